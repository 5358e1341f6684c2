using System.Diagnostics;
using System.Globalization;

namespace L402Train.Bench.Model;

/// <summary>Runs pytorch_step.py (same architecture and batch) when a python3 with torch is installed.</summary>
internal static class PyTorchStep
{
    public static double? Measure(string config, int batch, int seq, int threads)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "pytorch_step.py");
        // Debian's python3-torch lives under /usr/bin/python3, which a pyenv shim may hide.
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            var output = Run(python, $"\"{script}\" --config {config} --batch {batch} --seq {seq} --threads {threads} --steps 2");
            var line = output?.Split('\n').FirstOrDefault(l => l.StartsWith("step_ms=", StringComparison.Ordinal));
            if (line is not null)
            {
                return double.Parse(line["step_ms=".Length..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string? Run(string python, string arguments)
    {
        var info = new ProcessStartInfo(python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no such interpreter
        }

        using (process)
        {
            if (process is null)
            {
                return null;
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? stdout.Result : null;
        }
    }
}
