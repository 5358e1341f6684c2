using System.Net.Sockets;
using L402Train.Bounties.Sandbox;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Connections;

namespace L402Train.Silo.Commands;

/// <summary>
/// What stops a silo from starting, told as one line that names the fix (the operator's mistake is
/// not a bug, so no stack trace), with <see cref="SiloCommandLine.SettingError"/> as the exit code.
/// Every command that builds and starts a host runs its start through <see cref="RunAsync"/>;
/// a start-up check of its own throws <see cref="SiloSettingException"/> naming the setting.
/// </summary>
internal static class StartupFailure
{
    /// <summary>
    /// Runs <paramref name="start"/>; a failure <see cref="Describe"/> recognises is written to
    /// <paramref name="error"/> as <c>error: …</c> and returns <see cref="SiloCommandLine.SettingError"/>.
    /// Anything else is a bug and propagates with its stack trace.
    /// </summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> start)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(start);
        try
        {
            return await start();
        }
        catch (Exception ex) when (Describe(ex) is { } line)
        {
            await error.WriteLineAsync($"error: {line}");
            return SiloCommandLine.SettingError;
        }
    }

    /// <summary>
    /// Hides the host's own log of a failed start (an error with the whole stack trace) while
    /// <paramref name="starting"/> says the host is starting: <see cref="RunAsync"/> reports that
    /// failure as one line, and a failure it does not recognise still propagates with its trace.
    /// </summary>
    public static void HideHostStartLog(WebApplicationBuilder builder, Func<bool> starting)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(starting);
        // A rule for the host's category only (a rule without a category would replace the silo's minimum level for every
        // category): it keeps the silo's Warning minimum and drops the host's log while starting.
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Warning && !starting());
        // A start that fails after the silo joined stops it at once: Orleans then warns that its stop was cut short
        // (watchdog, lifecycle), which says nothing the one line does not. Its errors still show.
        builder.Logging.AddFilter(OrleansCategory, level => level >= LogLevel.Error || (level >= LogLevel.Warning && !starting()));
    }

    private const string OrleansCategory = "Orleans";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The one line for a start-up failure an operator can fix, or null when <paramref name="exception"/> is not one.</summary>
    public static string? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // The host wraps what a hosted service threw; the cause is what names the fix.
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SiloSettingException setting:
                    return OneLine(setting.Message);
                case SandboxUnavailableException sandbox:
                    return OneLine($"--bwrap (or drop 'validator' from --roles): {sandbox.Message}");
                case AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return OneLine($"--urls: {AddressOf(exception)} is already in use by another process; stop it or listen elsewhere, e.g. --urls http://127.0.0.1:8403");
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.AccessDenied } socket:
                    return OneLine($"--urls: cannot listen there ({socket.Message}); use an address of this host and a port above 1023, e.g. {SiloSettings.DefaultUrls}");
                // appsettings.json that is not JSON: the configuration names the file, its inner exception the place.
                case InvalidDataException { InnerException: FormatException format } config when config.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal):
                    return OneLine($"{ConfigFile(config.Message)} is not valid JSON ({(format.InnerException ?? format).Message}); fix it or move it away");
                case UnauthorizedAccessException denied:
                    return OneLine($"--data-dir: {denied.Message} Give the silo's user access to the folder or choose another with --data-dir");
                default:
                    break;
            }
        }
        return null;
    }

    // Kestrel says which address failed in the outer exception ("Failed to bind to address http://…: address already in use.").
    private static string AddressOf(Exception exception)
    {
        const string marker = "address ";
        var message = exception.Message;
        var at = message.IndexOf(marker + "http", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return "the address";
        var address = message[(at + marker.Length)..];
        var end = address.IndexOf(": ", StringComparison.Ordinal);
        return end > 0 ? address[..end] : address.TrimEnd('.');
    }

    private static string ConfigFile(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : "appsettings.json";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
