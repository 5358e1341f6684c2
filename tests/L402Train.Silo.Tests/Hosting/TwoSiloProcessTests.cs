using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;
using Npgsql;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// Two real <c>silo serve</c> processes on one PostgreSQL schema form one Orleans cluster through
/// the ADO.NET membership tables that <c>silo migrate</c> creates. Peers train and a bounty agent
/// submits through both gateways; one silo is killed with SIGKILL; the other takes over its grains
/// once membership declares it dead; every submission gets its verdict, every deposit resolves, and
/// <c>silo ledger check</c> reconciles. The coordinator's Lightning node is one simnet node served
/// by a third process (a memory-store silo's LND facade), as a real LND would be shared.
/// </summary>
public sealed class TwoSiloProcessTests : IAsyncDisposable
{
    // Tests only: a silent silo is suspected after 1 s probes, 2 missed, one vote (Orleans' defaults take about a minute).
    private static readonly Dictionary<string, string> FastMembership = new()
    {
        ["ClusterMembership__ProbeTimeout"] = "00:00:01",
        ["ClusterMembership__NumMissedProbesLimit"] = "2",
        ["ClusterMembership__NumVotesForDeathDeclaration"] = "1",
    };

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-cluster-");
    private readonly List<SiloProcess> processes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Two_silo_processes_share_grains_and_the_survivor_of_a_sigkill_serves_every_submission_to_its_verdict()
    {
        await using var schema = await PostgresDatabase.CreateSchemaAsync("cluster");
        var store = $"postgres:{schema.ConnectionString}";

        // The shared Lightning network: a memory-store silo whose simnet facade serves every node.
        var lightning = await StartAsync("lightning", new Dictionary<string, string>(), "--store", "memory", "--roles", "gateway", "--simnet-faucet", "--data-dir", Folder("lightning"));
        using var facade = new HttpClient { BaseAddress = new Uri(lightning.Url) };
        var coordinator = await CreateNodeAsync(facade, "cluster", 2_000_000);
        var macaroon = Path.Combine(dir.FullName, "cluster.macaroon");
        await File.WriteAllBytesAsync(macaroon, Convert.FromHexString(coordinator), Ct);
        string[] node = ["--lightning", $"lnd:{lightning.Url}/simnet/cluster/", "--lnd-macaroon", macaroon];

        // The silos share the data folder (a shared volume in production): the L402 root key, the
        // held-out seed and the checkpoint and gradient blobs live there, not in PostgreSQL.
        var data = Folder("cluster-data");
        Assert.Equal(0, (await RunToExitAsync("migrate", ["--store", store, "--data-dir", data])).Code);
        var siloA = await StartAsync("silo-a", FastMembership, ["--store", store, "--data-dir", data, "--silo-port", FreePort().ToString(), "--advertise-ip", "127.0.0.1", .. node]);
        var siloB = await StartAsync("silo-b", FastMembership, ["--store", store, "--data-dir", data, "--silo-port", FreePort().ToString(), "--advertise-ip", "127.0.0.1", .. node]);
        Assert.Equal(["silo-a", "silo-b"], await ActiveSilosAsync(schema.ConnectionString));
        await AssertReadyAsync(siloA);
        await AssertReadyAsync(siloB);

        // A sponsor posts the shipped bounty through one gateway (its baseline runs in a silo's sandbox).
        var bounty = await CreateBountyAsync(facade, lightning.Url, siloA.Url);

        // Both gateways take submissions for the same rounds and the same bounty (one cluster, not two islands).
        await TrainAsync(facade, lightning.Url, "peer-1", siloA.Url);
        await TrainAsync(facade, lightning.Url, "peer-2", siloB.Url);
        await ImproveBountyAsync(facade, lightning.Url, bounty, siloA.Url);
        await SubmitBountyDiffAsync(facade, lightning.Url, bounty, siloB.Url, "traversal-1", TraversalDiff("root"));

        siloA.Kill();
        await WaitUntilDeclaredDeadAsync(schema.ConnectionString, "silo-a");
        await AssertReadyAsync(siloB);

        // Every grain silo-a hosted re-activates on silo-b from PostgreSQL; new submissions reach a verdict.
        await TrainAsync(facade, lightning.Url, "peer-3", siloB.Url);
        await TrainAsync(facade, lightning.Url, "peer-1", siloB.Url);
        await SubmitBountyDiffAsync(facade, lightning.Url, bounty, siloB.Url, "traversal-2", TraversalDiff("daemon"));
        Assert.Equal(["silo-b"], await ActiveSilosAsync(schema.ConnectionString));

        // Every bounty submission (the agent's climb, if it found a gain, and the two diffs) has its verdict.
        var verdicts = await BountyVerdictsAsync(schema.ConnectionString);
        Assert.InRange(verdicts.Count, 2, 3);
        Assert.All(verdicts, v => Assert.NotNull(v.Reason));
        Assert.Equal(2, verdicts.Count(v => v.Reason == "diff_rejected"));

        // Four gradient submissions and the bounty's: one deposit each, settled or cancelled by exactly one completed job.
        // (An agent returns at its verdict, not at its deposit's settle: the last settle may still be running.)
        var jobs = await DepositJobsSettledAsync(schema.ConnectionString, 4 + verdicts.Count);
        Assert.Equal(4 + verdicts.Count, jobs.Count);
        Assert.Equal(jobs.Count, jobs.Select(j => j.Key).Distinct().Count());
        Assert.All(jobs, j => Assert.Equal("completed", j.State));
        Assert.Superset(verdicts.Select(v => v.Id).ToHashSet(), jobs.Select(j => j.Key).ToHashSet());

        var check = await RunToExitAsync("ledger", ["check", "--store", store, "--data-dir", data,
            "--silo-port", FreePort().ToString(), "--advertise-ip", "127.0.0.1", .. node], FastMembership);
        Assert.True(check.Code == 0, check.Output);
        Assert.Contains("dead money jobs: none", check.Output, StringComparison.Ordinal);
        Assert.EndsWith("reconciled", check.Output.TrimEnd(), StringComparison.Ordinal);
    }

    // One training round by a fresh or returning peer through one gateway; its wallet has no HTLC left pending.
    private async Task TrainAsync(HttpClient facade, string lightningUrl, string peer, string gateway)
    {
        var macaroon = await CreateNodeAsync(facade, peer, 1_000_000, allowExisting: true);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(["train", "--coordinator", gateway, "--lnd", $"{lightningUrl}/simnet/{peer}",
            "--macaroon", macaroon, "--rounds", "1", "--inner-steps", "5", "--wallet-dir", Folder($"wallet-{peer}")], output, error);
        Assert.True(code == 0, $"{peer} through {gateway}: {error}{output}\n{Logs()}");
        // The agent's verdict line: judged (accepted, or copycat when a peer repeats another's work) and the deposit resolved.
        var verdict = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"round \d+ (\w+) \(score [^)]*\), deposit (\w+)");
        Assert.True(verdict.Success, $"{peer}: no verdict\n{output}\n{Logs()}");
        Assert.Contains(verdict.Groups[2].Value, (string[])["refunded", "forfeited"]);
        using var wallet = new HttpClient { BaseAddress = new Uri($"{lightningUrl}/simnet/{peer}/") };
        wallet.DefaultRequestHeaders.Add("Grpc-Metadata-macaroon", macaroon);
        var balance = await wallet.GetFromJsonAsync<JsonElement>("v1/balance/channels", Ct);
        // The deposit's HTLC is gone: the hold invoice was settled or cancelled before the verdict returned.
        Assert.Equal("0", balance.GetProperty("unsettled_local_balance").GetProperty("msat").GetString());
    }

    // The README's sponsor: the shipped spam-filter bounty, posted and funded; its id is in the folder's sponsor-<id>.json.
    private async Task<string> CreateBountyAsync(HttpClient facade, string lightningUrl, string gateway)
    {
        var macaroon = await CreateNodeAsync(facade, "sponsor", 500_000);
        var folder = Path.Combine(dir.FullName, "spam-bounty");
        var (code, output) = await AgentAsync(["bounty", "example", folder]);
        Assert.True(code == 0, output);
        (code, output) = await AgentAsync(["bounty", "create", folder, "--coordinator", gateway, "--lnd", $"{lightningUrl}/simnet/sponsor",
            "--macaroon", macaroon, "--results", Path.Combine(dir.FullName, "sponsor.jsonl")]);
        Assert.True(code == 0, $"{output}\n{Logs()}");
        var saved = Assert.Single(Directory.GetFiles(folder, "sponsor-*.json"));
        return Path.GetFileNameWithoutExtension(saved)["sponsor-".Length..];
    }

    // The README's agent: buy the task, climb locally, commit, submit behind the deposit (when it found a gain), claim.
    private async Task ImproveBountyAsync(HttpClient facade, string lightningUrl, string bounty, string gateway)
    {
        var (code, output) = await AgentAsync(["bounty", "run", bounty, .. await AgentOptionsAsync(facade, lightningUrl, gateway), "--iterations", "8",
            "--work-dir", Folder("agent-work")]);
        Assert.True(code == 0, $"{output}\n{Logs()}");
    }

    // A diff that tries to leave the working copy: refused by the validator (deposit forfeited), whatever the scores.
    private async Task SubmitBountyDiffAsync(HttpClient facade, string lightningUrl, string bounty, string gateway, string name, string diff)
    {
        var path = Path.Combine(dir.FullName, $"{name}.diff");
        await File.WriteAllTextAsync(path, diff, Ct);
        var (code, output) = await AgentAsync(["bounty", "submit", bounty, "--diff", path, .. await AgentOptionsAsync(facade, lightningUrl, gateway)]);
        // 1: a verdict other than accepted was printed (the agent waits for it).
        Assert.True(code == 1 && output.Contains("diff_rejected", StringComparison.Ordinal), $"{name} through {gateway}: {output}\n{Logs()}");
    }

    private static string TraversalDiff(string user) =>
        $"--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-{user}:x:0:0:{user}:/root:/bin/sh\n+{user}::0:0:{user}:/root:/bin/sh\n";

    private async Task<string[]> AgentOptionsAsync(HttpClient facade, string lightningUrl, string gateway) =>
        ["--coordinator", gateway, "--lnd", $"{lightningUrl}/simnet/agent", "--macaroon", await CreateNodeAsync(facade, "agent", 1_000_000, allowExisting: true),
            "--results", Path.Combine(dir.FullName, "agent.jsonl"), "--wallet-dir", Folder("wallet-agent")];

    private static async Task<(int Code, string Output)> AgentAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, $"{error}{output}");
    }

    private static async Task<List<(string Id, string? Reason)>> BountyVerdictsAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT grain_key, state::text FROM grain_state WHERE grain_type = 'bounty-submission'", conn);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        var verdicts = new List<(string, string?)>();
        while (await reader.ReadAsync(Ct))
        {
            using var state = JsonDocument.Parse(reader.GetString(1));
            var reason = state.RootElement.TryGetProperty("verdict", out var verdict) && verdict.ValueKind == JsonValueKind.Object
                ? JsonNamingPolicy.SnakeCaseLower.ConvertName(ReasonName(verdict.GetProperty("reason")))
                : null;
            verdicts.Add((reader.GetString(0), reason));
        }
        return verdicts;
    }

    // Grain state stores enums as numbers.
    private static string ReasonName(JsonElement reason) =>
        reason.ValueKind == JsonValueKind.Number ? ((L402Train.Grains.Bounties.Submissions.BountyVerdictReason)reason.GetInt32()).ToString() : reason.GetString()!;

    // /health reads this silo's status in the ADO.NET membership (Orleans' ISiloStatusOracle).
    private static async Task AssertReadyAsync(SiloProcess silo)
    {
        using var http = new HttpClient { BaseAddress = new Uri(silo.Url) };
        using var response = await http.GetAsync("/health", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains($"silo {silo.Name} is Active in the cluster", body, StringComparison.Ordinal);
    }

    private readonly Dictionary<string, string> macaroons = [];

    private async Task<string> CreateNodeAsync(HttpClient facade, string name, long balanceSat, bool allowExisting = false)
    {
        if (allowExisting && macaroons.TryGetValue(name, out var known)) return known;
        using var response = await facade.PostAsJsonAsync("/simnet/nodes", new { name, balance_sat = balanceSat }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return macaroons[name] = created.GetProperty("macaroon").GetString()!;
    }

    // Orleans gives another process no notice of a death: the membership row is what there is to watch.
    private static async Task WaitUntilDeclaredDeadAsync(string connectionString, string silo)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await MembershipStatusAsync(connectionString, silo) != 6) await tick.WaitForNextTickAsync(timeout.Token);
    }

    private static async Task<int> MembershipStatusAsync(string connectionString, string silo)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT Status FROM OrleansMembershipTable WHERE SiloName = $1 ORDER BY Generation DESC LIMIT 1", conn);
        cmd.Parameters.AddWithValue(silo);
        return (int)(await cmd.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<List<string>> ActiveSilosAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT SiloName FROM OrleansMembershipTable WHERE Status = 3 ORDER BY SiloName", conn);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        var names = new List<string>();
        while (await reader.ReadAsync(Ct)) names.Add(reader.GetString(0));
        return names;
    }

    // Polls the jobs table (another process runs them: there is nothing to await) until every expected deposit job completed, at most 30 s.
    private static async Task<List<(string Type, string Key, string State)>> DepositJobsSettledAsync(string connectionString, int expected)
    {
        // A settle that the killed silo had claimed comes back only when its 30 s job lease lapses, and silo-b may then
        // need a while to run it on a loaded machine: wait well past the lease rather than exactly one lease.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var jobs = await DepositJobsAsync(connectionString);
        while (jobs.Count < expected || jobs.Any(j => j.State is "available" or "running"))
        {
            if (!await WaitAsync(tick, timeout.Token)) break;
            jobs = await DepositJobsAsync(connectionString);
        }
        return jobs;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer tick, CancellationToken cancellationToken)
    {
        try
        {
            return await tick.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return false; // timed out: the assertions that follow say what was left
        }
    }

    private static async Task<List<(string Type, string Key, string State)>> DepositJobsAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT type, unique_key, state FROM grain_jobs WHERE type IN ('deposit.settle', 'deposit.cancel')", conn);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        var jobs = new List<(string, string, string)>();
        while (await reader.ReadAsync(Ct)) jobs.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return jobs;
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(dir.FullName, name)).FullName;

    private string Logs() => string.Join("\n", processes.Select(p => $"--- {p.Name}\n{p.Output}"));

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static ProcessStartInfo Silo(string workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "L402Train.Silo.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("L402TRAIN_", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }

    private async Task<(int Code, string Output)> RunToExitAsync(string command, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(Silo(dir.FullName, environment ?? new Dictionary<string, string>(), [command, .. args]))!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    // Starts `silo serve` and returns once it prints its start line (Orleans has joined the cluster as Active by then).
    private async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var env = new Dictionary<string, string>(environment) { ["L402TRAIN_SILOID"] = name };
        var started = Silo(dir.FullName, env, ["serve", "--urls", "http://127.0.0.1:0", .. args]);
        var silo = new SiloProcess(name, Process.Start(started)!);
        processes.Add(silo);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await using (timeout.Token.Register(() => silo.Started.TrySetCanceled()))
        {
            try
            {
                await silo.Started.Task;
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{name} did not start:\n{Logs()}");
            }
        }
        return silo;
    }

    private sealed class SiloProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly Lock gate = new();

        public SiloProcess(string name, Process process)
        {
            Name = name;
            this.process = process;
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => Started.TrySetException(new InvalidOperationException($"{name} exited with {process.ExitCode}"));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Url { get; private set; } = "";

        public string Output
        {
            get
            {
                lock (gate) return output.ToString();
            }
        }

        /// <summary>SIGKILL: no shutdown, no membership update on the way out.</summary>
        public void Kill() => process.Kill();

        private void OnLine(string? line)
        {
            if (line is null) return;
            lock (gate) output.AppendLine(line);
            // "silo NAME (roles) on http://127.0.0.1:PORT, store ..."
            if (line.StartsWith($"silo {Name} (", StringComparison.Ordinal) && line.IndexOf(" on ", StringComparison.Ordinal) is > 0 and var on)
            {
                Url = line[(on + 4)..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('/');
                Started.TrySetResult();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
