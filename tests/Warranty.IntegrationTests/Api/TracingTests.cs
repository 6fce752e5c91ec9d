using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>The API on PostgreSQL with tracing on (<c>Warranty:Telemetry:Tracing</c>), its spans kept in memory.</summary>
public sealed class TracingApiFactory : ApiFactory
{
    public List<Activity> Spans { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Warranty:Telemetry:Tracing", "true");
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddInMemoryExporter(Spans)));
    }
}

/// <summary>
/// Issue 12: a trace of a claim filing is one tree: the HTTP request, the grain calls it made (Orleans activity
/// propagation) and the storage write with its PostgreSQL command.
/// </summary>
public sealed class TracingTests(TracingApiFactory factory) : IClassFixture<TracingApiFactory>
{
    [Fact]
    public async Task A_claim_filing_is_one_trace_of_the_request_its_grain_calls_and_its_storage_writes()
    {
        using var admin = factory.ClientFor("admin");
        var tac = TestData.NewTac();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model())).Status);
        var lineId = TestData.NewLineId("TR");
        var imei = TestData.NewImei(tac);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/v1/lines", TestData.Line(lineId, "2026-04-20"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, "2026-04-25T10:00:00+09:00"))).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = "2026-05-20T10:00:00+09:00" })).Status);

        var (status, claim) = await admin.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack", at = "2026-06-01T10:00:00+09:00" });
        Assert.True(status == HttpStatusCode.Created, claim?.ToJsonString());

        // The server span ends after the response is written; give the exporter a moment to receive it.
        Activity? request = null;
        for (var i = 0; i < 50 && request is null; i++)
        {
            lock (factory.Spans)
            {
                request = factory.Spans.LastOrDefault(s => s.Kind == ActivityKind.Server && s.DisplayName.TrimEnd('/') == "POST /v1/lines/{lineId}/claims");
            }

            if (request is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(request);
        List<Activity> trace;
        lock (factory.Spans)
        {
            trace = factory.Spans.Where(s => s.TraceId == request.TraceId).ToList();
        }

        var byId = trace.ToDictionary(s => s.SpanId);
        // Every span of the trace leads up to the request's span: one tree.
        Assert.All(trace, span =>
        {
            var current = span;
            while (current.ParentSpanId != default && byId.TryGetValue(current.ParentSpanId, out var parent))
            {
                current = parent;
            }

            Assert.Equal(request.SpanId, current.SpanId);
        });
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName == "ILineGrain/FileClaimAsync");
        // The claim's write: Orleans' storage span, and under it the PostgreSQL command.
        var writes = trace.Where(s => s.Source.Name == "Microsoft.Orleans.Storage" && s.DisplayName == "write storage").ToList();
        Assert.NotEmpty(writes);
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && writes.Any(w => w.SpanId == s.ParentSpanId));
    }
}
