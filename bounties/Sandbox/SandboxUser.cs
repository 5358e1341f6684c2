using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// How a validator running as root drops to <see cref="SandboxOptions.UnprivilegedId"/> before bubblewrap starts.
/// When the id is a named user whose primary group is the same id and who belongs to no other group, the process
/// launch itself switches to it (.NET sets the groups, gid and uid in the child between fork and exec,
/// <see cref="System.Diagnostics.ProcessStartInfo.UserName"/>): the same credentials <c>setpriv --reuid ID --regid ID
/// --clear-groups</c> gives, without a process of its own (about 1 ms of CPU and one exec per run). Any other id keeps
/// <c>setpriv</c>, which sets exactly that id and clears every supplementary group whatever the user database says.
/// </summary>
internal sealed partial class SandboxUser
{
    private SandboxUser(int id, string? userName, string reason)
    {
        Id = id;
        UserName = userName;
        Reason = reason;
    }

    /// <summary>The uid and gid evaluations run as.</summary>
    public int Id { get; }

    /// <summary>The user the launch switches to; null when <c>setpriv</c> must drop root.</summary>
    public string? UserName { get; }

    /// <summary>Why the launch or <c>setpriv</c> drops root.</summary>
    public string Reason { get; }

    /// <summary>Looks <paramref name="id"/> up in the user database (the same lookups .NET's launch makes).</summary>
    [SupportedOSPlatform("linux")]
    public static SandboxUser Resolve(int id)
    {
        if (id <= 0) { return Decide(id, null); }
        var byId = GetByUid((uint)id);
        if (byId is null) { return Decide(id, null); }
        // The launch looks the user up again by name and takes its groups from getgrouplist: check what it will get.
        var byName = GetByName(byId.Value.Name);
        var groups = byName is null ? null : GroupsOf(byName.Value.Name, byName.Value.Gid);
        return Decide(id, byName is null ? null : new Account(byName.Value.Name, byName.Value.Uid, byName.Value.Gid, groups));
    }

    /// <summary>The account the launch would switch to, as the user database describes it.</summary>
    internal readonly record struct Account(string Name, uint Uid, uint Gid, IReadOnlyList<uint>? Groups);

    /// <summary>Chooses the launch's own switch only when it gives exactly what setpriv would.</summary>
    internal static SandboxUser Decide(int id, Account? account)
    {
        if (id <= 0) { return new(id, null, $"uid {id} is not an unprivileged id"); }
        if (account is not { } a) { return new(id, null, $"uid {id} has no user name; setpriv drops root"); }
        if (a.Uid != (uint)id || a.Gid != (uint)id)
        {
            return new(id, null, $"user '{a.Name}' is uid {a.Uid} gid {a.Gid}, not {id}:{id}; setpriv drops root");
        }
        if (a.Groups is null || a.Groups.Any(g => g != (uint)id))
        {
            var listed = a.Groups is null ? "unknown" : string.Join(',', a.Groups);
            return new(id, null, $"user '{a.Name}' belongs to groups {listed}, not only {id}; setpriv drops root and clears them");
        }
        return new(id, a.Name, $"the launch switches to user '{a.Name}' ({id}:{id}, no other group)");
    }

    private readonly record struct Entry(string Name, uint Uid, uint Gid);

    private static unsafe Entry? GetByUid(uint uid)
    {
        var buffer = new byte[16 * 1024];
        fixed (byte* bytes = buffer)
        {
            Passwd entry;
            Passwd* found;
            return GetPwUid(uid, &entry, bytes, (nuint)buffer.Length, &found) == 0 && found != null ? Read(entry) : null;
        }
    }

    private static unsafe Entry? GetByName(string name)
    {
        var buffer = new byte[16 * 1024];
        fixed (byte* bytes = buffer)
        {
            Passwd entry;
            Passwd* found;
            return GetPwNam(name, &entry, bytes, (nuint)buffer.Length, &found) == 0 && found != null ? Read(entry) : null;
        }
    }

    private static Entry? Read(Passwd entry) =>
        Marshal.PtrToStringUTF8(entry.Name) is { Length: > 0 } name ? new Entry(name, entry.Uid, entry.Gid) : null;

    private static unsafe uint[]? GroupsOf(string name, uint gid)
    {
        var count = 64;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var groups = new uint[count];
            var asked = count;
            fixed (uint* list = groups)
            {
                if (GetGroupList(name, gid, list, &asked) >= 0) { return groups[..asked]; }
            }
            // Too small: getgrouplist wrote the size it needs.
            count = Math.Max(asked, count * 2);
        }
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Home;
        public IntPtr Shell;
    }

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetPwUid(uint uid, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetPwNam(string name, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetGroupList(string user, uint group, uint* groups, int* count);
}
