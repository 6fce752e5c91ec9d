using System.Net;
using Warranty.Grains.Infrastructure;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// REG-4 / REG-5 across a real crash: the process dies (Environment.FailFast) between two steps of a
/// device correction; after a restart, the client's retry completes it, and no device is on two lines.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task REG_4_REG_5_a_correction_killed_between_any_two_steps_completes_on_retry_after_restart()
    {
        var settings = await Deployments.PostgresAsync("crash");
        var cases = new List<(string Point, string LineId, string Old, string New)>();
        string tac;
        await using (var setup = await ServiceProcess.StartAsync(settings))
        {
            tac = await Deployments.NewModelAsync(setup.Http);
            foreach (var point in FaultPoints.All)
            {
                var lineId = await Deployments.NewLineAsync(setup.Http);
                var old = TestData.NewImei(tac);
                await Deployments.RegisterAsync(setup.Http, lineId, old);
                cases.Add((point, lineId, old, TestData.NewImei(tac)));
            }

            await setup.KillAsync();
        }

        foreach (var (point, lineId, _, replacement) in cases)
        {
            await using var doomed = await ServiceProcess.StartAsync(settings.With(CrashAtConfiguredPoint.ConfigurationKey.Replace(":", "__"), point));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => doomed.Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(replacement)));
            var exitCode = await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, exitCode);
            Assert.Contains($"Injected crash at '{point}'", doomed.Output);
        }

        await using var service = await ServiceProcess.StartAsync(settings);
        foreach (var (point, lineId, old, replacement) in cases)
        {
            var (status, line) = await service.Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(replacement));
            Assert.True(status == HttpStatusCode.OK, $"{point}: {line?.ToJsonString()}");
            Assert.Equal(replacement, line.Str("option.coveredImei"));

            var (_, current) = await service.Http.GetJsonAsync($"/v1/devices/{replacement}");
            var (_, previous) = await service.Http.GetJsonAsync($"/v1/devices/{old}");
            Assert.Equal(lineId, current.Str("coveredByLineId"));
            Assert.Equal("released", previous.Str("status"));

            // The released device is free for another line; the replacement is not.
            var other = await Deployments.NewLineAsync(service.Http);
            var (taken, _) = await service.Http.PutJsonAsync($"/v1/lines/{other}/device", TestData.Registration(replacement));
            Assert.Equal(HttpStatusCode.Conflict, taken);
            await Deployments.RegisterAsync(service.Http, other, old);
            var (_, again) = await service.Http.GetJsonAsync($"/v1/lines/{lineId}");
            Assert.Equal(replacement, again.Str("option.coveredImei"));

            var (_, history) = await service.Http.GetJsonAsync($"/v1/lines/{lineId}/history");
            Assert.Single(history!.AsArray(), e => e.Str("type") == "device_corrected");
        }
    }
}
