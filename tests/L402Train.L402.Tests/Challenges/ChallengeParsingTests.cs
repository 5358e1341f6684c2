using L402Train.L402.Challenges;
using Xunit;

namespace L402Train.L402.Tests.Challenges;

public sealed class ChallengeParsingTests
{
    internal const string Mac = "AgJCAADu7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7v//////////////////////////////////////////AAIRc2VydmljZXM9bXlfYXBpOjAAAAYgx5SuDoCytK+KyBKF9Q6NevcnIredBupd2zW+sd0ks4U=";
    internal const string Inv = "lnbcrt100n1p3qqkygpp5xzj85m5mpvatnapgpuyfxtxhypa5gr6sskqd8664v04550vqp8lsdq8f3f5z4qcqzpgsp5tpzvsq5pckqgln3ltpy3e9cf6tf2aj82ffa2tted77ltweuaweks9qyyssq0w5da3k40wtdukac7hp5s58hsxf8k8f52c5qneezu4xg3xh87xrnkl5jwtw098d2gjywx20nmkxl2y4vq9fr89kg5kzcwupv9xpdaggp4fc4ms";

    public static TheoryData<string, string> Forms => new()
    {
        { "A", $"L402 macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
        { "B", $"L402 version=\"0\", token=\"{Mac}\", invoice=\"{Inv}\"" },
        { "C", $"L402 version=\"0\", token=\"{Mac}\", macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
        { "D", $"L402 macaroon=\"{Mac}\", invoice=\"{Inv}\", version=\"0\"" },
        { "E", $"L402 macaroon={Mac}, invoice={Inv}" },
        { "F", $"l402 macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
        { "LSAT", $"LSAT macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
        { "J", $"LSAT macaroon=\"{Mac}\", invoice=\"{Inv}\", L402 macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
        { "alby missing comma", $"L402 version=\"0\" token=\"{Mac}\", invoice=\"{Inv}\"" },
        { "extra whitespace", $"L402   macaroon = \"{Mac}\" ,   invoice=\"{Inv}\"  " },
        { "other scheme first", $"Bearer realm=\"x\", L402 macaroon=\"{Mac}\", invoice=\"{Inv}\"" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Reads_every_challenge_form_in_use(string form, string header)
    {
        var challenge = L402Challenge.ParseAll(header).FirstOrDefault();
        Assert.True(challenge is not null, form);
        Assert.Equal(Mac, challenge.Macaroon);
        Assert.Equal(Inv, challenge.Invoice);
    }

    [Fact]
    public void Reads_two_header_lines_as_two_challenges()
    {
        var all = L402Challenge.ParseAll([$"LSAT macaroon=\"{Mac}\", invoice=\"{Inv}\"", $"L402 macaroon=\"{Mac}\", invoice=\"{Inv}\""]);
        Assert.Equal(["LSAT", "L402"], all.Select(c => c.Scheme));
    }

    [Theory]
    [InlineData("Bearer realm=\"x\"")]
    [InlineData("L402 invoice=\"lnbc1\"")]
    [InlineData("L402 macaroon=\"abc\"")]
    [InlineData("L402 macaroon=\"\", invoice=\"\"")]
    [InlineData("")]
    [InlineData("= = ,,, \"")]
    public void Finds_no_challenge_where_there_is_none(string header) =>
        Assert.Empty(L402Challenge.ParseAll(header));

    [Fact]
    public void Formats_the_form_every_client_parses()
    {
        Assert.Equal($"L402 macaroon=\"{Mac}\", invoice=\"{Inv}\"", new L402Challenge(Mac, Inv).Format());
    }
}
