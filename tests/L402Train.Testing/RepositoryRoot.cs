namespace L402Train.Testing;

/// <summary>Finds the repository root (the folder holding Orleans.L402Train.sln) from a test's output folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orleans.L402Train.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Orleans.L402Train.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The absolute path of the repository root.</summary>
    public static string FullPath => Root.Value;

    /// <summary>A path under the repository root.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([FullPath, .. parts]);
}
