using System.Diagnostics;
using System.Text;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>
/// tools/LoadTest's own build output as a process: a command run to its end (<see cref="RunAsync"/>), or one left
/// running in the background and stopped with SIGTERM (<see cref="Start"/>, <see cref="StopAsync"/>), which the tool
/// treats as Ctrl-C: it finishes cleanly and writes its results.
/// </summary>
public sealed class LoadToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LoadToolProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the tool with <paramref name="arguments"/> and <paramref name="environment"/> added to this process's environment.</summary>
    public static LoadToolProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [ToolPath(), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new LoadToolProcess(Process.Start(info)!);
    }

    /// <summary>Runs a command to its end; a backstop timeout kills it and fails.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var tool = Start(workingDirectory, environment, arguments);
        var exitCode = await tool.WaitForExitAsync(timeout);
        return (exitCode, tool.Output);
    }

    /// <summary>Waits for the end; past <paramref name="timeout"/> the process is killed and -1 returned.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Append($"(killed: still running after {timeout})");
            return -1;
        }
    }

    /// <summary>SIGTERM, as Ctrl-C: the tool stops what it does, writes its results and exits.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>tools/LoadTest's build output, of the same configuration as these tests.</summary>
    public static string ToolPath() => ServiceProcess.BuildOutput("tools/LoadTest", "Warranty.LoadTest.dll");
}
