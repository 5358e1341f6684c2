using L402Train.Bounties.Sandbox;
using Xunit;

namespace L402Train.Bounties.Tests.Sandbox;

/// <summary>
/// The processes a run's launch is made of: root dropped by the launch itself when that gives exactly setpriv's
/// credentials, setpriv otherwise, and one shell for the copy-in and the command.
/// </summary>
public sealed class SandboxLaunchTests : IDisposable
{
    private static readonly SandboxUser.Account Nobody = new("nobody", 65534, 65534, [65534]);
    private readonly SandboxScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void A_root_validator_drops_to_a_user_with_no_other_group_in_the_launch_itself_without_setpriv()
    {
        var (fileName, arguments, userName) = Build(SandboxUser.Decide(65534, Nobody));

        Assert.Equal(scratch.Options.BubblewrapPath, fileName);
        Assert.Equal("nobody", userName);
        Assert.DoesNotContain(scratch.Options.SetprivPath, arguments);
    }

    [Fact]
    public void Setpriv_drops_root_for_an_id_with_other_groups_without_a_name_or_whose_primary_group_differs()
    {
        var refused = new[]
        {
            SandboxUser.Decide(65534, Nobody with { Groups = [65534, 27] }),
            SandboxUser.Decide(64999, null),
            SandboxUser.Decide(65534, Nobody with { Gid = 100, Groups = [100] }),
            SandboxUser.Decide(65534, Nobody with { Groups = null }),
        };

        foreach (var user in refused)
        {
            var (fileName, arguments, userName) = Build(user);
            Assert.Null(userName);
            Assert.Equal(scratch.Options.SetprivPath, fileName);
            Assert.Equal(["--reuid", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], arguments.Take(2));
            Assert.Contains("--clear-groups", arguments);
        }
    }

    [Fact]
    public void The_cgroup_wrapper_joins_the_cgroup_as_root_and_setpriv_drops_root_after_it()
    {
        var (fileName, arguments, userName) = Build(SandboxUser.Decide(65534, Nobody), cgroupProcs: "/sys/fs/cgroup/x/cgroup.procs");

        Assert.Null(userName);
        Assert.Equal(scratch.Options.ShellPath, fileName);
        Assert.True(arguments.IndexOf(scratch.Options.SetprivPath) < arguments.IndexOf(scratch.Options.BubblewrapPath));
    }

    [Fact]
    public void One_shell_copies_the_working_copy_in_and_runs_the_command()
    {
        var (_, arguments, _) = Build(SandboxUser.Decide(65534, Nobody));

        Assert.Equal([scratch.Options.ShellPath, "-c", BubblewrapCommandLine.Script("echo 1"), "sh"], arguments.TakeLast(4));
        Assert.Single(arguments, a => a == scratch.Options.ShellPath);
    }

    [Fact]
    public void The_id_on_this_host_resolves_as_its_user_database_says()
    {
        // 64999 is no user here: setpriv. 65534 is "nobody" with group 65534 and in no other group on the usual host.
        Assert.Null(SandboxUser.Resolve(64999).UserName);
        var nobody = File.ReadLines("/etc/passwd").Any(l => l.StartsWith("nobody:x:65534:65534:", StringComparison.Ordinal))
            && !File.ReadLines("/etc/group").Any(l => l.Split(':') is [_, _, _, var members] && members.Split(',').Contains("nobody"));
        Assert.Equal(nobody ? "nobody" : null, SandboxUser.Resolve(65534).UserName);
    }

    [Fact]
    public async Task An_eval_runs_as_the_unprivileged_id_whichever_way_root_is_dropped()
    {
        // As root: 65534 is dropped by the launch, 64999 (no user name) by setpriv; not as root, both run as the
        // validator's own uid. Either way the eval is no process of uid 0 and has no supplementary group but its own.
        const string probe = "id -u; grep '^Groups:' /proc/self/status >&2; echo 1";
        foreach (var id in new[] { 65534, 64999 })
        {
            using var sandbox = new BubblewrapSandbox(new SandboxOptions { ScratchRoot = scratch.Root, UnprivilegedId = id }, TimeProvider.System);
            using var copy = scratch.NewWorkingCopy();
            var result = await sandbox.RunAsync(new SandboxRequest(copy, probe, null, SandboxScratch.Small), TestContext.Current.CancellationToken);

            Assert.True(result.Succeeded, result.ScoreError + result.Stderr);
            var expected = BubblewrapSandbox.DropsRoot ? (uint)id : GetUid();
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stdout.Split('\n')[0]);
            var groups = result.Stderr.Trim()["Groups:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            Assert.All(groups, g => Assert.Equal("65534", g)); // unmapped or its own group: never the validator's
        }
    }

    private static uint GetUid() => uint.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1],
        System.Globalization.CultureInfo.InvariantCulture);

    private (string FileName, List<string> Arguments, string? UserName) Build(SandboxUser user, string? cgroupProcs = null)
    {
        using var copy = scratch.NewWorkingCopy();
        return BubblewrapCommandLine.Build(scratch.Options, user, copy.Path, null, new SandboxRequest(copy, "echo 1", null, SandboxScratch.Small), cgroupProcs);
    }
}
