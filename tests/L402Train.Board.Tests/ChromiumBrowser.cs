using L402Train.Testing;
using Microsoft.Playwright;

namespace L402Train.Board.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser downloads are not available here).
/// Without Chromium the browser tests skip on a developer box and fail in CI, which installs it.
/// </summary>
internal static class ChromiumBrowser
{
    private static readonly string[] Candidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

    /// <summary>True when a Chromium executable is found.</summary>
    public static bool IsInstalled => Executable is not null;

    private static string? Executable =>
        Environment.GetEnvironmentVariable("L402TRAIN_CHROMIUM") is { Length: > 0 } configured ? configured : Candidates.FirstOrDefault(File.Exists);

    /// <summary>The executable: <c>L402TRAIN_CHROMIUM</c>, else Debian's; skips (fails in CI) without one.</summary>
    public static string ExecutableOrSkip()
    {
        if (Executable is { } found) return found;
        const string why = "Chromium is not installed: `sudo apt-get install chromium` to run the board's browser tests.";
        if (PostgresDatabase.IsCi) Assert.Fail(why + " CI must run them (.ci/run installs it).");
        Assert.Skip(why);
        return "";
    }

    /// <summary>Starts Playwright and a headless Chromium.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = ExecutableOrSkip();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
