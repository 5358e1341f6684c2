using L402Train.Bounties.Diffs;
using Xunit;

namespace L402Train.Bounties.Tests.Diffs;

public sealed class EvalFilesTests : IDisposable
{
    private readonly string tree = Directory.CreateTempSubdirectory("l402-evalfiles-").FullName;

    public EvalFilesTests()
    {
        foreach (var file in new[] { "eval.py", "score/helper.py", "data/x.csv", "public/a.txt", "model.py" })
        {
            var path = Path.Combine(tree, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
    }

    public void Dispose() => Directory.Delete(tree, recursive: true);

    [Fact]
    public void The_files_the_eval_command_names_and_the_public_set_are_eval_files()
    {
        var found = EvalFiles.Find("cd . && python3 ./eval.py --data=data/x.csv score/helper.py | tail -n 1; cat /etc/passwd ../up $HOME", tree);

        Assert.Equal(["data/x.csv", "eval.py", "public", "score/helper.py"], found);
    }

    [Theory]
    [InlineData("eval.py", "*", true)]
    [InlineData("eval.py", "*.py", true)]
    [InlineData("eval.py", "eval.py", false)]
    [InlineData("eval.py", "./eval.py", false)]
    [InlineData("public/a.txt", "**", true)]
    [InlineData("public/a.txt", "public/**", false)]
    [InlineData("model.py", "*", false)]
    public void An_eval_file_is_protected_unless_a_target_lists_it_explicitly(string path, string glob, bool protectedPath)
    {
        Assert.Equal(protectedPath, EvalFiles.IsProtected(path, ["eval.py", "public"], [glob]));
    }
}
