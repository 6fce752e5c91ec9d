using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Load;

/// <summary>
/// The load generator (tools/LoadTest) end to end, small: its own build output run as a process against the
/// service as a process on memory storage; seed 50 subscribers, then 3 seconds closed-loop at concurrency 8.
/// No PostgreSQL, so no collection: it runs beside the other classes.
/// </summary>
public sealed class LoadSmokeTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Seed_then_a_short_closed_loop_run_answers_every_request_and_writes_results_and_a_chart()
    {
        var tool = LoadToolProcess.ToolPath();
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Warranty__Storage"] = "memory" });
        var work = Directory.CreateTempSubdirectory("warranty-load-smoke-");
        try
        {
            var url = service.BaseAddress.ToString();
            var manifest = Path.Combine(work.FullName, "seed.json");
            var results = Path.Combine(work.FullName, "results.json");
            var chart = Path.Combine(work.FullName, "results.png");

            var seed = await RunAsync(tool, work.FullName, ["seed", "--url", url, "--subscribers", "50", "--concurrency", "8", "--manifest", manifest]);
            Assert.True(seed.ExitCode == 0, $"seed exited with {seed.ExitCode}:\n{seed.Output}\nservice:\n{service.Output}");
            Assert.Contains("seeded 50 subscribers", seed.Output);

            var run = await RunAsync(tool, work.FullName,
                ["run", "--url", url, "--manifest", manifest, "--duration", "3s", "--warmup", "0s", "--concurrency", "8", "--out", results, "--chart", chart]);
            Assert.True(run.ExitCode == 0, $"run exited with {run.ExitCode}:\n{run.Output}\nservice:\n{service.Output}");

            var json = JsonNode.Parse(await File.ReadAllTextAsync(results))!;
            Assert.Equal("closed", json["mode"]!.GetValue<string>());
            Assert.True(json["operations"]!["coverage"]!["count"]!.GetValue<long>() > 0, run.Output);
            Assert.True(json["overall"]!["serverErrors"]!.GetValue<long>() == 0, run.Output);
            Assert.True(json["overall"]!["transportErrors"]!.GetValue<long>() == 0, run.Output);
            // A request still unanswered after the run is a hang (the claim/coverage deadlock this caught once).
            Assert.True(json["overall"]!["abandoned"]!.GetValue<long>() == 0, run.Output);
            Assert.NotEmpty(json["timeSeries"]!.AsArray());

            var png = await File.ReadAllBytesAsync(chart);
            Assert.True(png.Length > PngSignature.Length && png.AsSpan(0, PngSignature.Length).SequenceEqual(PngSignature), "The chart is not a PNG.");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string workingDirectory, string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [tool, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // The tool sends this token with every request (seeding writes the catalogue and usage: admin).
        info.Environment["WARRANTY_TOKEN"] = TestTokens.Create("admin");
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The tool stops by itself (a run after warmup + duration + at most 5 s for stragglers); this is a backstop.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out:\n{Text()}");
        }

        // WaitForExitAsync returns once the output streams are drained as well.
        return (process.ExitCode, Text());

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
