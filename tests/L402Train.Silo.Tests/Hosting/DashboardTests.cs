using System.Net;
using System.Net.Http.Headers;
using System.Text;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>The Orleans Dashboard is off by default and, when an admin password is set, answers only with it.</summary>
public sealed class DashboardTests
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task The_dashboard_needs_the_admin_credentials_and_is_off_without_a_password()
    {
        await using (var on = await StartAsync(Password))
        {
            using var http = new HttpClient { BaseAddress = new Uri(on.App.Urls.First()) };
            using var anonymous = await http.GetAsync("/dashboard/", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

            using var wrong = await GetAsync(http, "admin:not-the-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

            using var admin = await GetAsync(http, $"admin:{Password}");
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);
        }
        await using var off = await StartAsync(null);
        using var client = new HttpClient { BaseAddress = new Uri(off.App.Urls.First()) };
        using var missing = await GetAsync(client, $"admin:{Password}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void A_short_admin_password_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<SiloSettingException>(() => SiloSettings.Load(
            new Dictionary<string, string?>(), new Dictionary<string, string?> { ["L402TRAIN_DASHBOARDPASSWORD"] = "short" }, Path.GetTempPath()));

        Assert.Equal("dashboard-password", error.Setting);
    }

    [Fact]
    public void The_admin_password_never_shows_in_the_printed_settings()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["L402TRAIN_DASHBOARDPASSWORD"] = Password }, Path.GetTempPath());

        Assert.Equal(Password, settings.DashboardPassword!.Value);
        Assert.DoesNotContain(Password, settings.ToString(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<Host> StartAsync(string? password)
    {
        var dir = Directory.CreateTempSubdirectory("l402-dashboard-");
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["Store"] = "memory", ["Urls"] = "http://127.0.0.1:0", ["Roles"] = "gateway" },
            new Dictionary<string, string?>(), dir.FullName) with { DashboardPassword = password is null ? null : new SecretText(password) };
        var app = SiloHost.Build(settings);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new Host(app, dir);
    }

    private sealed class Host(WebApplication app, DirectoryInfo dir) : IAsyncDisposable
    {
        public WebApplication App { get; } = app;

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            dir.Delete(recursive: true);
        }
    }
}
