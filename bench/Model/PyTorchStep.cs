using System.Diagnostics;
using System.Globalization;

namespace L402Train.Bench.Model;

/// <summary>What one pytorch_step.py run measured.</summary>
/// <param name="StepMs">Mean milliseconds per step (or per forward pass).</param>
/// <param name="CpuMs">Mean CPU milliseconds per step, all of the process's threads.</param>
/// <param name="Blas">The BLAS library torch loaded (real path).</param>
/// <param name="Threads">torch.get_num_threads().</param>
/// <param name="OpenBlasThreads">OPENBLAS_NUM_THREADS it ran under.</param>
internal sealed record TorchTiming(double StepMs, double CpuMs, string Blas, int Threads, int OpenBlasThreads);

/// <summary>
/// Runs pytorch_step.py (same architecture and batch) when a python3 with torch is installed. Both
/// thread layouts are timed and the faster is the reference: torch's intra-op threads over a
/// single-threaded OpenBLAS (OPENBLAS_NUM_THREADS=1, no oversubscription), and OpenBLAS's own
/// threads under the same torch thread count, since Debian's torch hands each whole matrix product
/// to one BLAS call and only BLAS can split it.
/// </summary>
internal static class PyTorchStep
{
    public static TorchTiming? Measure(string config, int batch, int seq, int threads, bool forwardOnly = false, int steps = 3)
    {
        TorchTiming? best = null;
        foreach (var blasThreads in threads > 1 ? new[] { 1, threads } : [1])
        {
            var timing = MeasureOnce(config, batch, seq, threads, blasThreads, forwardOnly, steps);
            if (timing is not null && (best is null || timing.StepMs < best.StepMs)) best = timing;
        }

        return best;
    }

    private static TorchTiming? MeasureOnce(string config, int batch, int seq, int threads, int blasThreads, bool forwardOnly, int steps)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "pytorch_step.py");
        // Debian's python3-torch lives under /usr/bin/python3, which a pyenv shim may hide.
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            var arguments = $"\"{script}\" --config {config} --batch {batch} --seq {seq} --threads {threads} --steps {steps}{(forwardOnly ? " --forward-only" : "")}";
            var output = Run(python, arguments, threads, blasThreads);
            if (output is null) continue;
            var values = output.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
            if (values.TryGetValue("step_ms", out var ms))
            {
                return new TorchTiming(double.Parse(ms, CultureInfo.InvariantCulture), double.Parse(values.GetValueOrDefault("step_cpu_ms", ms), CultureInfo.InvariantCulture),
                    values.GetValueOrDefault("blas", "unknown"),
                    int.Parse(values.GetValueOrDefault("threads", "0"), CultureInfo.InvariantCulture), blasThreads);
            }
        }

        return null;
    }

    private static string? Run(string python, string arguments, int threads, int blasThreads)
    {
        var info = new ProcessStartInfo(python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Pinned on both sides: torch's OpenMP pool and OpenBLAS's pthreads, whatever the caller's environment says.
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        info.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString(CultureInfo.InvariantCulture);
        info.Environment["MKL_NUM_THREADS"] = blasThreads.ToString(CultureInfo.InvariantCulture);
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
            if (!process.WaitForExit(TimeSpan.FromSeconds(300)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? stdout.Result : null;
        }
    }
}
