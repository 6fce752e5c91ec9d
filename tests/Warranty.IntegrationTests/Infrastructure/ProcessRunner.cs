using System.Diagnostics;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>Runs a command to its end, and asks whether a process still runs: what the process tests share.</summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="info"/> and waits for it (at most <paramref name="timeout"/>, when given), reading both outputs
    /// while it runs so neither pipe fills up.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info, TimeSpan? timeout = null)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Whether process <paramref name="pid"/> exists and has not exited.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
