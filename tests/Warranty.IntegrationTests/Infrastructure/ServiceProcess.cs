using System.Diagnostics;
using System.Text;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>
/// The front door as a real process (<c>src/Api</c>'s build output), for tests that kill it: durability
/// after SIGKILL and crashes injected between protocol steps (<c>Warranty:CrashAt</c>). It signs tokens
/// with <see cref="TestTokens.SigningKey"/> (unless the settings say otherwise); <see cref="Http"/> acts as an admin.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = ClientFor("admin");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>A client acting as an admin, who may call every endpoint.</summary>
    public HttpClient Http { get; }

    /// <summary>The built <c>src/Api</c> assembly these tests run (for <c>dotnet … dev-token</c>).</summary>
    public static string ApiAssembly => BuildOutput("src/Api", "Warranty.Api.dll");

    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts the API with <paramref name="settings"/> as environment variables and waits for <c>/health/ready</c>.</summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? timeout = null)
    {
        var port = TestData.FreePort();
        var service = Start("Api", "Warranty.Api.dll", settings, ["--urls", $"http://127.0.0.1:{port}"], new Uri($"http://127.0.0.1:{port}"));
        await service.WaitReadyAsync(timeout ?? TimeSpan.FromSeconds(60));
        return service;
    }

    /// <summary>Starts the API on <paramref name="port"/> without waiting for it: for a start that is expected to fail.</summary>
    public static ServiceProcess Launch(IReadOnlyDictionary<string, string> settings, int port) =>
        Start("Api", "Warranty.Api.dll", settings, ["--urls", $"http://127.0.0.1:{port}"], new Uri($"http://127.0.0.1:{port}"));

    /// <summary>
    /// Runs <c>dotnet Warranty.Api.dll ARGUMENTS</c> to its end, as an operator runs a command (<c>dev-token</c>,
    /// <c>openapi</c>, <c>backup</c>), in the Production environment with <paramref name="settings"/> as environment variables.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [ApiAssembly, .. arguments]);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        return await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts <c>src/Silo</c> alone and waits until it has joined its cluster.</summary>
    public static async Task<ServiceProcess> StartSiloAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? timeout = null)
    {
        var silo = Start("Silo", "Warranty.Silo.dll", settings, [], new Uri("http://127.0.0.1:1"));
        var deadline = Stopwatch.StartNew();
        while (!silo.Output.Contains("Warranty silo started", StringComparison.Ordinal))
        {
            if (silo.HasExited || deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException($"The silo did not start:\n{silo.Output}");
            }

            // Waiting on another process's log; there is nothing else to await.
            await Task.Delay(200);
        }

        return silo;
    }

    private static ServiceProcess Start(string project, string assembly, IReadOnlyDictionary<string, string> settings, string[] arguments, Uri baseAddress)
    {
        var path = BuildOutput($"src/{project}", assembly);
        var info = new ProcessStartInfo("dotnet", [path, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Warranty"] = "Information";
        info.Environment["Logging__LogLevel__Warranty.Silo"] = "Information";
        info.Environment["Warranty__SiloPort"] = TestData.FreePort().ToString();
        info.Environment["Warranty__GatewayPort"] = TestData.FreePort().ToString();
        info.Environment["Warranty__Auth__SigningKey"] = TestTokens.SigningKey;
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(info)!, baseAddress);
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // Without a timeout, WaitForExit also waits for the redirected output to be read to its end.
                _process.WaitForExit();
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            // Readiness is a condition on another process; there is nothing to await but its answer.
            await Task.Delay(200);
        }

        throw new TimeoutException($"The service was not ready within {timeout}:\n{Output}");
    }

    /// <summary>A new client that sends a token of <paramref name="role"/> (a subscriber's bound to <paramref name="lineId"/>).</summary>
    public HttpClient ClientFor(string role, string? lineId = null) =>
        new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) }.As(role, lineId);

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager or `docker stop` sends it: the process may shut down gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end by itself (an injected crash).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await KillAsync();
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

    /// <summary>The folder of Warranty.sln, above these tests' binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Warranty.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException($"Warranty.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>A project's own build output (<paramref name="folder"/>: src/Api, src/Silo, tools/LoadTest), of the same configuration as these tests.</summary>
    public static string BuildOutput(string folder, string assembly)
    {
        var testDir = AppContext.BaseDirectory; // …/tests/Warranty.IntegrationTests/bin/<Configuration>/net10.0/
        var tfm = new DirectoryInfo(testDir).Name;
        var configuration = new DirectoryInfo(testDir).Parent!.Name;
        var path = Path.Combine([RepositoryRoot, .. folder.Split('/'), "bin", configuration, tfm, assembly]);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build {folder} ({configuration}) first: `dotnet build Warranty.sln -c {configuration}` builds it.", path);
    }
}
