using System.Globalization;
using L402Train.Bench.Board;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;
using Microsoft.Playwright;

// Prints name=value lines: the web board's page weight and time to first contentful paint in
// Debian's Chromium, after a short demo, against a plain-text page from the same server in the
// same run (the baseline: what any page costs on this machine). Usage:
//   dotnet run -c Release --project bench/Board -- [--rounds N] [--repeats N]
var rounds = Option("--rounds", 3);
var repeats = Option("--repeats", 5);
var chromium = Environment.GetEnvironmentVariable("L402TRAIN_CHROMIUM") is { Length: > 0 } c ? c : "/usr/lib/chromium/chromium";
if (!File.Exists(chromium))
{
    Console.Error.WriteLine($"error: no Chromium at {chromium}: sudo apt-get install chromium (or set L402TRAIN_CHROMIUM)");
    return 2;
}

var dir = Directory.CreateTempSubdirectory("l402-board-bench-");
try
{
    var cluster = Path.Combine(dir.FullName, "cluster");
    Console.Error.WriteLine($"running a {rounds}-round training demo into {cluster} …");
    var code = await new SiloCommandLine(new Dictionary<string, string?>(), dir.FullName).InvokeAsync(
        ["demo", "--track", "training", "--profiles", "honest,honest", "--rounds", rounds.ToString(CultureInfo.InvariantCulture), "--inner-steps", "2", "--data-dir", cluster],
        TextWriter.Null, Console.Error);
    if (code != 0) return code;
    var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = cluster, ["Urls"] = "http://127.0.0.1:0" }, new Dictionary<string, string?>(), dir.FullName);
    await using var app = SiloHost.Build(settings);
    await app.StartAsync();
    var url = app.Urls.First().TrimEnd('/');

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
    Print("chromium", browser.Version);
    Print("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
    Print("load_average_1m", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown");
    Print("rounds", rounds.ToString(CultureInfo.InvariantCulture));
    Print("repeats", repeats.ToString(CultureInfo.InvariantCulture));
    // One warm-up load each, so the server's first-request JIT is not in the figures.
    await PageFigures.MeasureAsync(browser, url + "/");
    await PageFigures.MeasureAsync(browser, url + "/board/assets/vendor/uplot/LICENSE");
    foreach (var (name, path) in new[] { ("baseline_text", "/board/assets/vendor/uplot/LICENSE"), ("overview", "/"), ("round", "/board/rounds/1"), ("peers", "/board/peers"), ("bounties", "/board/bounties") })
    {
        var runs = new List<PageFigures>();
        for (var i = 0; i < repeats; i++) runs.Add(await PageFigures.MeasureAsync(browser, url + path));
        Print($"{name}_bytes", runs[^1].Bytes.ToString(CultureInfo.InvariantCulture));
        Print($"{name}_requests", runs[^1].Requests.ToString(CultureInfo.InvariantCulture));
        Print($"{name}_fcp_ms_median", Median(runs.Select(r => r.FirstContentfulPaintMs)).ToString("0.0", CultureInfo.InvariantCulture));
        Print($"{name}_load_ms_median", Median(runs.Select(r => r.LoadMs)).ToString("0.0", CultureInfo.InvariantCulture));
    }
    return 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    dir.Delete(recursive: true);
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static void Print(string name, string value) => Console.WriteLine($"{name}={value}");
