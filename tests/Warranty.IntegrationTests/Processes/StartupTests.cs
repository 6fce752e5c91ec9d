using System.Net;
using System.Net.Sockets;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: one instance per store, and start-up failures an operator can act on: a second process on the same SQLite
/// file, a taken HTTP port or a taken silo port stop the start at once with one line on stderr and exit code 1, and
/// nothing else (no stack trace). Real processes.
/// </summary>
public sealed class StartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_second_process_on_the_same_SQLite_file_stops_with_one_line_and_a_killed_ones_lock_is_gone()
    {
        var folder = Directory.CreateTempSubdirectory("warranty-lock-").FullName;
        var file = Path.Combine(folder, "warranty.db");
        await using var first = await ServiceProcess.StartAsync(Deployments.Sqlite(file));

        await using var second = ServiceProcess.Launch(Deployments.Sqlite(file), TestData.FreePort());
        var code = await second.WaitForExitAsync(ExitTimeout);

        Assert.Equal(1, code);
        var line = AssertOneLine(second.Output);
        Assert.Contains($"Another process is using the SQLite store {file}", line);
        Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/health/ready")).StatusCode);

        // Owner-only files (subscribers' data).
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file + ".lock"));
        }

        // The operating system drops the lock of a killed process: the next start on the file works.
        await first.KillAsync();
        await using var third = await ServiceProcess.StartAsync(Deployments.Sqlite(file));
        Assert.Equal(HttpStatusCode.OK, (await third.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_taken_HTTP_port_is_one_line_naming_urls_and_exit_code_1()
    {
        using var taken = Listen(out var port);

        await using var service = ServiceProcess.Launch(new Dictionary<string, string> { ["Warranty__Storage"] = "memory" }, port);
        var code = await service.WaitForExitAsync(ExitTimeout);

        Assert.Equal(1, code);
        var line = AssertOneLine(service.Output);
        Assert.Contains($"http://127.0.0.1:{port} is in use", line);
        Assert.Contains("--urls", line);
    }

    [Fact]
    public async Task A_taken_silo_port_is_one_line_naming_its_setting()
    {
        using var taken = Listen(out var port);

        await using var service = ServiceProcess.Launch(
            new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__SiloPort"] = port.ToString() }, TestData.FreePort());
        var code = await service.WaitForExitAsync(ExitTimeout);

        Assert.Equal(1, code);
        Assert.Contains($"Port {port} (Warranty:SiloPort) is in use", AssertOneLine(service.Output));
    }

    [Fact]
    public async Task The_embedded_silos_of_two_processes_choose_their_own_free_ports()
    {
        // No silo or gateway port configured: the embedded default picks free ones, so two instances on their own
        // stores do not collide (with Orleans' fixed 11111 and 30000 the second would refuse to start).
        var unset = new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__SiloPort"] = "", ["Warranty__GatewayPort"] = "" };

        await using var one = await ServiceProcess.StartAsync(unset);
        await using var two = await ServiceProcess.StartAsync(unset);

        Assert.Equal(HttpStatusCode.OK, (await one.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await two.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Once_ready_a_banner_says_where_it_listens_where_its_data_is_and_how_to_get_a_token()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("warranty-banner-").FullName, "warranty.db");

        await using var service = await ServiceProcess.StartAsync(Deployments.Sqlite(file).With("ASPNETCORE_ENVIRONMENT", "Development"));
        await WaitForAsync(() => service.Output.Contains("Warranty is ready.", StringComparison.Ordinal));

        var banner = service.Output[service.Output.IndexOf("Warranty is ready.", StringComparison.Ordinal)..];
        Assert.Contains($"listening on   {service.BaseAddress.ToString().TrimEnd('/')}", banner);
        Assert.Contains($"API reference  {service.BaseAddress.ToString().TrimEnd('/')}/reference/v1", banner);
        Assert.Contains($"storage        SQLite file {file}", banner);
        Assert.Contains("environment    Development", banner);
        Assert.Contains("dev-token admin", banner);
        // Orleans' dump of its options stays out of the default log.
        Assert.DoesNotContain("Orleans.Configuration.", service.Output);
    }

    [Fact]
    public async Task In_JSON_format_each_entry_is_one_object_and_a_grains_entries_carry_the_line_they_are_about()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Warranty__Storage"] = "memory",
            ["Warranty__LogFormat"] = "json",
            ["Logging__LogLevel__Warranty.Grains"] = "Debug",
        });
        var lineId = TestData.NewLineId("J");

        Assert.Equal(System.Net.HttpStatusCode.Created, (await service.Http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Deployments.Iso(Deployments.Today)))).Status);
        await WaitForAsync(() => service.Output.Contains(lineId, StringComparison.Ordinal));

        var entries = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!)
            .ToList();
        Assert.Contains(entries, e => e["Category"]!.GetValue<string>() == "Warranty.Api.Hosting.StartupBanner");
        var created = Assert.Single(entries, e => e["Message"]!.GetValue<string>().Contains($"Line {lineId} created", StringComparison.Ordinal));
        Assert.Contains(created["Scopes"]!.AsArray(), scope => scope?["lineId"]?.GetValue<string>() == lineId);
        // Nothing secret: the token the requests carried is nowhere in the log.
        Assert.DoesNotContain(service.Http.DefaultRequestHeaders.Authorization!.Parameter!, service.Output);
    }

    [Fact]
    public async Task An_unknown_log_format_is_one_line_naming_the_setting()
    {
        await using var service = ServiceProcess.Launch(new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__LogFormat"] = "xml" }, TestData.FreePort());

        Assert.Equal(1, await service.WaitForExitAsync(ExitTimeout));
        Assert.Contains("Warranty:LogFormat must be 'text' or 'json'", AssertOneLine(service.Output));
    }

    [Fact]
    public async Task A_setting_out_of_its_range_is_one_line_naming_it_and_exit_code_1()
    {
        await using var service = ServiceProcess.Launch(
            new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__Activations__CollectionAge"] = "00:00:10" }, TestData.FreePort());

        Assert.Equal(1, await service.WaitForExitAsync(ExitTimeout));
        Assert.Contains("Warranty:Activations:CollectionAge must be at least 00:01:00.", AssertOneLine(service.Output));
    }

    [Fact]
    public async Task A_setting_checked_only_at_start_is_one_line_too()
    {
        await using var service = ServiceProcess.Launch(
            new Dictionary<string, string> { ["Warranty__Storage"] = "memory", ["Warranty__Limits__RefusalsPerLine"] = "0" }, TestData.FreePort());

        Assert.Equal(1, await service.WaitForExitAsync(ExitTimeout));
        Assert.Contains("Warranty:Limits", AssertOneLine(service.Output));
    }

    /// <summary>Waits for a condition on another process's output (there is nothing to await but the output itself).</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }

    private static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    private static string AssertOneLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("warranty: ", line);
        return line;
    }
}
