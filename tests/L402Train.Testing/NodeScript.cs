using System.Diagnostics;
using Xunit;

namespace L402Train.Testing;

/// <summary>
/// Runs a JavaScript snippet with node against the third-party clients installed in
/// <c>tests/js/node_modules</c> (by <c>npm ci --prefix tests/js</c>, which <c>.ci/run</c> does).
/// Without node or those packages the test skips on a developer box and fails in CI.
/// </summary>
public static class NodeScript
{
    /// <summary>The folder holding package.json and node_modules.</summary>
    public static string PackagesDirectory => RepositoryRoot.Combine("tests", "js");

    /// <summary>
    /// Runs <paramref name="script"/> (CommonJS; <c>require</c> resolves from tests/js) with
    /// <paramref name="stdin"/> on standard input; returns standard output. A non-zero exit fails the test
    /// with the script's standard error.
    /// </summary>
    public static async Task<string> RunAsync(string script, string stdin = "", TimeSpan? timeout = null)
    {
        var modules = Path.Combine(PackagesDirectory, "node_modules");
        if (!Directory.Exists(modules))
        {
            var why = $"{modules} is missing: run `npm ci --prefix tests/js`.";
            if (PostgresDatabase.IsCi) Assert.Fail(why);
            Assert.Skip(why);
        }
        var file = Path.Combine(PackagesDirectory, $".t-{Guid.NewGuid():N}.cjs");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var psi = new ProcessStartInfo("node", [file])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = PackagesDirectory,
            };
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("node script timed out");
            }
            if (process.ExitCode != 0)
                Assert.Fail($"node exited {process.ExitCode}: {await stderr}\n{await stdout}");
            return await stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
