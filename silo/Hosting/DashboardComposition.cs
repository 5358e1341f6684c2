using System.Security.Cryptography;
using System.Text;
using Orleans.Dashboard;

namespace L402Train.Silo.Hosting;

/// <summary>
/// The Orleans Dashboard (grains, silos, calls, storage latency) for operators, on the gateway's
/// Kestrel under <c>/dashboard</c>. Off unless an admin password is set; every request to it then
/// needs HTTP Basic credentials <c>admin:&lt;password&gt;</c> (a browser prompts for them).
/// </summary>
internal static class DashboardComposition
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/dashboard";

    /// <summary>The user name of the Basic credentials.</summary>
    public const string User = "admin";

    /// <summary>Passwords shorter than this are refused at start.</summary>
    public const int MinPasswordLength = 16;

    /// <summary>Adds the dashboard's silo part when <see cref="SiloSettings.DashboardPassword"/> is set.</summary>
    public static ISiloBuilder AddAdminDashboard(this ISiloBuilder silo, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.DashboardPassword is null ? silo : silo.AddDashboard();
    }

    /// <summary>Maps the dashboard behind the admin credentials when a password is set; nothing otherwise (404).</summary>
    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<SiloSettings>().DashboardPassword is not { } password) return app;
        var expected = Encoding.UTF8.GetBytes($"{User}:{password.Value}");
        app.Use(next => async http =>
        {
            if (http.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase) && !Authorized(http.Request, expected))
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"orleans-dashboard\", charset=\"UTF-8\"";
                await TypedResults.Problem("The dashboard needs the admin credentials (HTTP Basic).", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        app.MapOrleansDashboard(Path);
        return app;
    }

    private static bool Authorized(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given;
        try
        {
            given = Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
