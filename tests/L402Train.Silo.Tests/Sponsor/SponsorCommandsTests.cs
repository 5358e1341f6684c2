using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Commands;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Sponsor;

/// <summary>
/// The sponsor's tooling against an in-process silo on simnet: <c>peer-agent bounty create</c>
/// (pack, show, post, fund, listed), <c>pay</c> and <c>wallet</c>, and archives made with tar.
/// </summary>
public sealed class SponsorCommandsTests : IAsyncLifetime
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("l402-sponsor-");
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Url => silo!.Url;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("sponsor", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task Bounty_create_packs_the_folder_pays_the_funding_and_the_bounty_is_listed_active()
    {
        var sponsor = silo!.Network.CreateFundedNode("sponsor", new Sats(100_000));
        var folder = Path.Combine(work.FullName, "spam");
        var results = Path.Combine(work.FullName, "results.jsonl");
        Assert.Equal(0, (await Run("bounty", "example", folder)).Code);

        var (code, output, error) = await Run("bounty", "create", folder, "--coordinator", Url, "--lnd", $"{Url}/simnet/sponsor/",
            "--macaroon", sponsor.MacaroonHex, "--results", results);

        Assert.True(code == 0, error + output);
        Assert.Contains("20000 sat", output, StringComparison.Ordinal); // the terms were shown before paying
        using var http = new HttpClient { BaseAddress = new Uri(Url + "/") };
        var active = await new BountyClient(http).ListAsync("active", Ct);
        var bounty = Assert.Single(active);
        Assert.Equal(20_000, bounty.TotalSats);
        var fund = Assert.Single(ProvenanceLog.Read(results));
        Assert.Equal(("fund", bounty.Id, 20_000L), (fund.Action, fund.Bounty, fund.Sats));
        Assert.NotNull(fund.Preimage);
        var credential = Path.Combine(folder, $"sponsor-{bounty.Id}.json");
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(credential, Ct));
        Assert.False(string.IsNullOrEmpty(saved.RootElement.GetProperty("sponsor_macaroon").GetString()));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credential));
        Assert.True((await sponsor.GetBalanceAsync(Ct)).Local <= new Sats(80_000).ToMilliSats());
    }

    [Fact]
    public async Task Bounty_create_names_what_the_folder_lacks_and_pays_nothing()
    {
        var folder = Directory.CreateDirectory(Path.Combine(work.FullName, "empty")).FullName;

        var (code, _, error) = await Run("bounty", "create", folder, "--coordinator", Url, "--lnd", $"{Url}/simnet/nobody/", "--macaroon", "00");

        Assert.Equal(2, code);
        Assert.Contains("bounty.json is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_pays_an_invoice_and_wallet_shows_the_balance_and_the_payment()
    {
        var payer = silo!.Network.CreateFundedNode("payer", new Sats(50_000));
        var invoice = await silo.Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1_234).ToMilliSats(), "coffee", TimeSpan.FromMinutes(10)), Ct);
        var results = Path.Combine(work.FullName, "results.jsonl");
        string[] wallet = ["--lnd", $"{Url}/simnet/payer/", "--macaroon", payer.MacaroonHex, "--results", results];

        var pay = await Run(["pay", invoice.PaymentRequest, .. wallet]);
        var shown = await Run(["wallet", .. wallet]);

        Assert.True(pay.Code == 0, pay.Error + pay.Output);
        Assert.Contains("coffee", pay.Output, StringComparison.Ordinal);
        Assert.Equal(InvoiceState.Settled, (await silo.Network.Coordinator.LookupInvoiceAsync(invoice.Hash, Ct))!.State);
        var line = Assert.Single(ProvenanceLog.Read(results));
        Assert.Equal(("pay", 1_234L, invoice.Hash.ToHex()), (line.Action, line.Sats, line.PaymentHash));
        Assert.True(shown.Code == 0, shown.Error + shown.Output);
        Assert.Contains($"{50_000 - 1_234}", shown.Output, StringComparison.Ordinal);
        Assert.Contains("1 recorded: 1234 sat spent", shown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_coordinator_accepts_archives_made_with_tar_and_dot_entries()
    {
        var folder = Path.Combine(work.FullName, "tar");
        SponsorFolder.WriteExample(folder);
        var baseline = await TarAsync(Path.Combine(folder, SponsorFolder.BaselineFolder), Path.Combine(work.FullName, "baseline.tgz"));
        var heldOut = await TarAsync(Path.Combine(folder, SponsorFolder.HeldOutFolder), Path.Combine(work.FullName, "heldout.tgz"));
        var request = SponsorFolder.Pack(folder, DateTimeOffset.UtcNow).Request with
        {
            BaselineTarball = Convert.ToBase64String(baseline),
            HeldOutTarball = Convert.ToBase64String(heldOut),
        };

        using var http = new HttpClient { BaseAddress = new Uri(Url + "/") };
        using var response = await http.PostAsJsonAsync("bounties", request, BountyClient.Json, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    // The ordinary way: `tar -C dir -czf x.tgz .`, which names the folder "./" and every entry "./…".
    private static async Task<byte[]> TarAsync(string folder, string archive)
    {
        var info = new ProcessStartInfo("tar") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-C", folder, "-czf", archive, "." }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, error);
        return await File.ReadAllBytesAsync(archive, Ct);
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
