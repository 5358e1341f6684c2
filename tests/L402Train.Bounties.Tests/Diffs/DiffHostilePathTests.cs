using FsCheck;
using FsCheck.Fluent;
using L402Train.Bounties.Diffs;
using Xunit;

namespace L402Train.Bounties.Tests.Diffs;

/// <summary>
/// Diffs whose paths the file system cannot hold (names too long, file versus folder) used to
/// throw out of the applier and kill the validation job; every one must be a rejection.
/// </summary>
public sealed class DiffHostilePathTests : IDisposable
{
    private static readonly DiffPolicy AnyText = new(["**"], maxBytes: 1 << 20);
    private readonly string workingCopy = Directory.CreateTempSubdirectory("l402-hostile-").FullName;

    public void Dispose() => Directory.Delete(workingCopy, recursive: true);

    private static string Create(string path, string line = "x") => $"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n";

    [Fact]
    public void A_file_name_over_255_bytes_is_rejected_not_thrown()
    {
        var rejection = AnyText.CheckAndApply(Create(new string('n', 256)), workingCopy);

        Assert.Equal(DiffRejectionReason.Malformed, rejection?.Reason);
        Assert.Contains("255", rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_255_multibyte_characters_is_measured_in_bytes()
    {
        // 100 × 'é' is 100 characters but 200 bytes; 130 of them are 260 bytes, over the limit.
        Assert.Null(AnyText.CheckAndApply(Create(new string('é', 100)), workingCopy));
        Assert.Equal(DiffRejectionReason.Malformed, AnyText.CheckAndApply(Create(new string('é', 130)), workingCopy)?.Reason);
    }

    [Fact]
    public void A_file_name_of_exactly_255_bytes_applies()
    {
        var name = new string('n', 255);

        Assert.Null(AnyText.CheckAndApply(Create(name), workingCopy));
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(workingCopy, name)));
    }

    [Fact]
    public void A_path_over_4_KB_is_rejected_not_thrown()
    {
        var path = string.Join('/', Enumerable.Repeat(new string('d', 200), 21)) + "/f";

        var rejection = AnyText.CheckAndApply(Create(path), workingCopy);

        Assert.Equal(DiffRejectionReason.Malformed, rejection?.Reason);
    }

    [Fact]
    public void A_file_and_a_file_inside_it_in_one_diff_are_rejected_not_thrown()
    {
        var rejection = AnyText.CheckAndApply(Create("sub/x") + Create("sub/x/y"), workingCopy);

        Assert.Equal(DiffRejectionReason.DoesNotApply, rejection?.Reason);
        Assert.False(File.Exists(Path.Combine(workingCopy, "sub", "x")));
    }

    [Fact]
    public void A_file_inside_a_file_of_the_working_copy_is_rejected_not_thrown()
    {
        File.WriteAllText(Path.Combine(workingCopy, "x"), "a file\n");

        Assert.Equal(DiffRejectionReason.DoesNotApply, AnyText.CheckAndApply(Create("x/y"), workingCopy)?.Reason);
    }

    // Path components an attacker would try: long, multibyte, dots, names that collide as file and folder.
    private static readonly Gen<string> Component = Gen.OneOf(
        Gen.Elements("a", "b", "x", "sub", ".hidden", "..a", "é", "-", " ", "a b"),
        Gen.Choose(200, 300).Select(n => new string('L', n)),
        Gen.Choose(60, 140).Select(n => new string('é', n)));

    private static readonly Gen<string> HostilePath =
        from depth in Gen.Choose(1, 24)
        from parts in Gen.ArrayOf(Component, depth)
        select string.Join('/', parts);

    private static readonly Gen<string> Patch = Gen.OneOf(
        HostilePath.Select(p => Create(p)),
        HostilePath.Select(p => $"--- a/{p}\n+++ b/{p}\n@@ -1 +1 @@\n-x\n+y\n"),
        HostilePath.Select(p => $"--- a/{p}\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"));

    [Fact]
    public void Random_hostile_diffs_are_applied_or_rejected_and_never_throw()
    {
        var existing = new[] { "a", "sub/x", "b/a", new string('L', 250) };
        Prop.ForAll(Gen.ArrayOf(Patch).Resize(5).ToArbitrary(), patches =>
        {
            var dir = Directory.CreateTempSubdirectory("l402-hostile-prop-").FullName;
            try
            {
                foreach (var file in existing)
                {
                    var full = Path.Combine(dir, file);
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    File.WriteAllText(full, "x\n");
                }
                // Either outcome is fine; an exception fails the property.
                _ = AnyText.CheckAndApply(string.Concat(patches), dir);
                return true;
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }).QuickCheckThrowOnFailure();
    }
}
