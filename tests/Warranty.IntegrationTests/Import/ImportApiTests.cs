using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Warranty.IntegrationTests.Api;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Import;

/// <summary>
/// POST /v1/admin/imports: existing subscribers as NDJSON, streamed into the grains with the public
/// API's rules (REG-2..8 judged at each record's registeredAt), re-runnable, with streamed progress.
/// The API's clock says 2026-06-15T12:00+09:00.
/// </summary>
public sealed class ImportApiTests(ApiFactory factory) : ApiTestBase(factory)
{
    private const string Path = "/v1/admin/imports";
    private const string Ndjson = "application/x-ndjson";

    /// <summary>The test server's own client: no redirect handler, which would buffer a request body before sending it.</summary>
    private readonly HttpClient _streaming = factory.Server.CreateClient().As("admin");

    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly string[] StartDates = ["2026-05-01", "2026-05-20", "2026-06-01"];

    private sealed record Subscriber(string LineId, string Plan, string SimType, string ServiceStartDate, string? Imei, string? RegisteredAt);

    private static string Record(
        string lineId, string serviceStartDate, string? imei = null, string? registeredAt = null, Dictionary<string, bool>? declarations = null,
        string plan = "giga", string simType = "esim", bool warrantyOption = true) =>
        JsonSerializer.Serialize(
            new
            {
                lineId,
                plan,
                simType,
                serviceStartDate,
                warrantyOption,
                device = imei is null ? null : new { imei, registeredAt, declarations = declarations ?? TestData.CleanDeclarations() },
            },
            RecordJson);

    private static string Record(Subscriber s) => Record(s.LineId, s.ServiceStartDate, s.Imei, s.RegisteredAt, plan: s.Plan, simType: s.SimType);

    private static string Body(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    /// <summary><paramref name="count"/> subscribers with devices of <paramref name="tac"/>, each registered inside its REG-2 window.</summary>
    private static List<Subscriber> Subscribers(int count, string tac) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var start = StartDates[i % StartDates.Length];
            var registeredAt = $"{DateOnly.Parse(start).AddDays(i % 14):yyyy-MM-dd}T10:00:00+09:00";
            return new Subscriber(TestData.NewLineId("I"), i % 2 == 0 ? "giga" : "legacy", i % 3 == 0 ? "physical" : "esim", start, TestData.NewImei(tac), registeredAt);
        }).ToList();

    private static List<string> LinesOnly(int count) =>
        Enumerable.Range(0, count).Select(i => Record(TestData.NewLineId("B"), StartDates[i % StartDates.Length])).ToList();

    private async Task<(HttpStatusCode Status, string? ContentType, List<JsonNode> Events)> ImportAsync(
        string body, string query = "", string contentType = Ndjson, string? idempotencyKey = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path + query) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await (client ?? Admin).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var events = mediaType == Ndjson
            ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList()
            : text.Length == 0 ? [] : [JsonNode.Parse(text)!];
        return (response.StatusCode, mediaType, events);
    }

    private async Task<List<JsonNode>> ImportOkAsync(string body, string query = "", string? idempotencyKey = null)
    {
        var (status, contentType, events) = await ImportAsync(body, query, idempotencyKey: idempotencyKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Ndjson, contentType);
        Assert.NotEmpty(events);
        Assert.Equal("summary", events[^1].Str("type"));
        Assert.Single(events, e => e.Str("type") == "summary");
        return events;
    }

    private static (long Processed, long Imported, long Skipped, long Failed) Counts(JsonNode e) =>
        (e["processed"]!.GetValue<long>(), e["imported"]!.GetValue<long>(), e["skipped"]!.GetValue<long>(), e["failed"]!.GetValue<long>());

    private static (long, long, long, long) Summary(List<JsonNode> events) => Counts(events[^1]);

    private static List<JsonNode> Errors(List<JsonNode> events) => events.Where(e => e.Str("type") == "error").ToList();

    private static string Describe(List<JsonNode> events) => string.Join("\n", events.Take(20).Select(e => e.ToJsonString()));

    private async Task AssertImportedAsync(Subscriber s)
    {
        var (lineStatus, line) = await Http.GetJsonAsync($"/v1/lines/{s.LineId}");
        Assert.True(lineStatus == HttpStatusCode.OK, $"{s.LineId}: {line?.ToJsonString()}");
        Assert.Equal(s.Plan, line.Str("plan"));
        Assert.Equal(s.SimType, line.Str("simType"));
        Assert.Equal(s.ServiceStartDate, line.Str("serviceStartDate"));
        Assert.Equal("active", line.Str("option.status"));
        Assert.Equal(s.Imei, line.Str("option.coveredImei"));

        var (_, device) = await Http.GetJsonAsync($"/v1/devices/{s.Imei}");
        Assert.Equal("covered", device.Str("status"));
        Assert.Equal(s.LineId, device.Str("coveredByLineId"));
        Assert.Equal(s.RegisteredAt, device.Str("registeredAt"));

        // COV-4: covered from the first of the month after the start; every start here is before July.
        var (_, coverage) = await Http.GetJsonAsync($"/v1/devices/{s.Imei}/coverage?date=2026-07-15");
        Assert.Equal("true", coverage.Str("covered"));
        Assert.Equal(s.LineId, coverage.Str("lineId"));
    }

    private async Task<JsonArray> HistoryAsync(string lineId)
    {
        var (status, history) = await Http.GetJsonAsync($"/v1/lines/{lineId}/history");
        Assert.Equal(HttpStatusCode.OK, status);
        return history!.AsArray();
    }

    [Fact]
    public async Task Imports_300_subscribers_whose_lines_devices_and_coverage_read_back_through_the_API()
    {
        var tac = await NewModelAsync();
        var subscribers = Subscribers(300, tac);

        var events = await ImportOkAsync(Body(subscribers.Select(Record)));

        Assert.True(Summary(events) == (300, 300, 0, 0), Describe(events));
        Assert.Empty(Errors(events));
        Assert.True(events[^1]["elapsedMs"]!.GetValue<long>() >= 0);
        foreach (var s in subscribers)
        {
            await AssertImportedAsync(s);
        }

        // Created now by the importing admin (its token's sub); registered at what the subscriber did back then.
        var history = await HistoryAsync(subscribers[5].LineId);
        Assert.Equal(2, history.Count);
        Assert.Equal(("line_created", TestTokens.Subject("admin"), "2026-06-15T12:00:00+09:00"), (history[0].Str("type"), history[0].Str("actor"), history[0].Str("at")));
        Assert.Equal(("device_registered", TestTokens.Subject("admin"), subscribers[5].RegisteredAt), (history[1].Str("type"), history[1].Str("actor"), history[1].Str("at")));
    }

    [Fact]
    public async Task Running_the_same_body_again_skips_all_300_and_duplicates_nothing()
    {
        var tac = await NewModelAsync();
        var subscribers = Subscribers(300, tac);
        var body = Body(subscribers.Select(Record));
        var first = await ImportOkAsync(body);
        Assert.True(Summary(first) == (300, 300, 0, 0), Describe(first));

        var second = await ImportOkAsync(body);

        Assert.True(Summary(second) == (300, 0, 300, 0), Describe(second));
        Assert.Empty(Errors(second));
        foreach (var s in subscribers)
        {
            var history = await HistoryAsync(s.LineId);
            Assert.Equal(["line_created", "device_registered"], history.Select(h => h.Str("type")));
            await AssertImportedAsync(s);
        }
    }

    [Fact]
    public async Task An_interrupted_import_resumes_with_the_whole_file_and_imports_only_the_rest()
    {
        var tac = await NewModelAsync();
        var subscribers = Subscribers(200, tac);
        var records = subscribers.Select(Record).ToList();
        // The first run got through 80 records, the last of them without its device yet (as if cut off between the two calls).
        var cut = records.Take(79).Append(Record(subscribers[79].LineId, subscribers[79].ServiceStartDate, plan: subscribers[79].Plan, simType: subscribers[79].SimType));
        var first = await ImportOkAsync(Body(cut));
        Assert.True(Summary(first) == (80, 80, 0, 0), Describe(first));

        var resumed = await ImportOkAsync(Body(records));

        Assert.True(Summary(resumed) == (200, 121, 79, 0), Describe(resumed));
        foreach (var s in subscribers)
        {
            await AssertImportedAsync(s);
            Assert.Equal(2, (await HistoryAsync(s.LineId)).Count);
        }
    }

    [Fact]
    public async Task Failed_records_are_reported_by_line_number_and_code_while_the_valid_ones_around_them_are_imported()
    {
        var tac = await NewModelAsync();
        var wifiOnly = await NewModelAsync(wifiOnly: true);
        var valid = Subscribers(4, tac);
        var unknownTac = TestData.NewImei(TestData.NewTac());
        var badImei = TestData.NewImei(tac);
        badImei = badImei[..14] + (char)('0' + ((badImei[14] - '0' + 1) % 10));
        var late = TestData.NewLineId("E");
        var ineligible = TestData.NewLineId("E");
        var unknownModelLine = TestData.NewLineId("E");
        var badImeiLine = TestData.NewLineId("E");
        var rented = TestData.CleanDeclarations();
        rented["rentedOrLeased"] = true;
        string[] lines =
        [
            Record(valid[0]),                                                                                 // 1
            "{\"lineId\":\"" + TestData.NewLineId("E") + "\",\"plan\":",                                      // 2 malformed JSON
            Record(valid[1]),                                                                                 // 3
            Record(unknownModelLine, "2026-06-01", unknownTac, "2026-06-02T09:00:00+09:00"),                 // 4 TAC not in the catalogue
            Record(valid[2]),                                                                                 // 5
            Record(badImeiLine, "2026-06-01", badImei, "2026-06-02T09:00:00+09:00"),                         // 6 Luhn check fails
            "",                                                                                               // 7 blank: not a record
            Record(late, "2026-05-01", TestData.NewImei(tac), "2026-05-16T09:00:00+09:00"),                  // 8 after the window (ends 2026-05-15)
            Record(ineligible, "2026-05-01", TestData.NewImei(wifiOnly), "2026-05-03T09:00:00+09:00", rented), // 9 REG-6/7
            Record(valid[3]),                                                                                 // 10
            Record(TestData.NewLineId("E"), "2026-06-01", plan: "platinum"),                                  // 11 not a plan
        ];

        var events = await ImportOkAsync(Body(lines));

        Assert.True(Summary(events) == (10, 4, 0, 6), Describe(events));
        var errors = Errors(events).ToDictionary(e => e["line"]!.GetValue<long>());
        Assert.Equal([2L, 4, 6, 8, 9, 11], errors.Keys.Order());
        Assert.Equal("invalid_request", errors[2].Str("code"));
        Assert.Null(errors[2]["lineId"]);
        Assert.Equal(("model_not_found", unknownModelLine), (errors[4].Str("code"), errors[4].Str("lineId")));
        Assert.Equal(["REG-3"], errors[4].Rules());
        Assert.Equal(("invalid_imei", badImeiLine), (errors[6].Str("code"), errors[6].Str("lineId")));
        Assert.Equal(("registration_window_closed", late), (errors[8].Str("code"), errors[8].Str("lineId")));
        Assert.Equal(["REG-2"], errors[8].Rules());
        Assert.Equal(("device_ineligible", ineligible), (errors[9].Str("code"), errors[9].Str("lineId")));
        Assert.Equal(["REG-6a", "REG-6c", "REG-7a", "REG-7f"], errors[9].Rules());
        Assert.Equal("invalid_request", errors[11].Str("code"));
        Assert.NotNull(errors[11]["errors"]?["plan"]);

        foreach (var s in valid)
        {
            await AssertImportedAsync(s);
        }

        // Refused before any write: no line. Refused at registration: the line is there (as POST /v1/lines
        // then PUT …/device would leave it), without a device, and the option lapsed (REG-2).
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{unknownModelLine}"), HttpStatusCode.NotFound, "line_not_found");
        AssertProblem(await Http.GetJsonAsync($"/v1/lines/{badImeiLine}"), HttpStatusCode.NotFound, "line_not_found");
        foreach (var lineId in new[] { late, ineligible })
        {
            var (_, line) = await Http.GetJsonAsync($"/v1/lines/{lineId}");
            Assert.Equal("lapsed_unregistered", line.Str("option.status"));
            Assert.Null(line.Str("option.coveredImei"));
        }
    }

    [Fact]
    public async Task A_line_over_64_KiB_is_skipped_to_the_next_newline_as_one_failed_record()
    {
        var tac = await NewModelAsync();
        var valid = Subscribers(3, tac);
        var huge = "{\"lineId\":\"" + new string('x', 70 * 1024) + "\"}";
        var body = Record(valid[0]) + "\n" + huge + "\n" + Record(valid[1]) + "\r\n" + Record(valid[2]) + "\n" + huge; // the last line has no newline

        var events = await ImportOkAsync(body);

        Assert.True(Summary(events) == (5, 3, 0, 2), Describe(events));
        Assert.Equal([(2L, "line_too_long"), (5L, "line_too_long")], Errors(events).Select(e => (e["line"]!.GetValue<long>(), e.Str("code")!)).Order());
        foreach (var s in valid)
        {
            await AssertImportedAsync(s);
        }
    }

    [Fact]
    public async Task Existing_lines_are_compared_conflicts_are_errors_and_a_line_without_its_device_gets_it()
    {
        var tac = await NewModelAsync();
        var bare = await NewLineAsync("2026-06-10");                     // exists, same fields, no device yet
        var otherPlan = await NewLineAsync("2026-06-10", plan: "legacy"); // exists with another plan
        var (covering, coveredImei, _) = await NewCoveredLineAsync("2026-06-10");
        var imei = TestData.NewImei(tac);
        string[] lines =
        [
            Record(bare, "2026-06-10", imei, "2026-06-12T10:00:00+09:00", simType: "physical"),
            Record(otherPlan, "2026-06-10", TestData.NewImei(tac), "2026-06-12T10:00:00+09:00", simType: "physical"),
            Record(covering, "2026-06-10", TestData.NewImei(tac), "2026-06-12T10:00:00+09:00", simType: "physical"),
        ];

        var events = await ImportOkAsync(Body(lines));

        Assert.True(Summary(events) == (3, 1, 0, 2), Describe(events));
        var errors = Errors(events).ToDictionary(e => e["line"]!.GetValue<long>());
        Assert.Equal(("line_exists_different", otherPlan), (errors[2].Str("code"), errors[2].Str("lineId")));
        Assert.Contains("plan", errors[2].Str("detail"));
        Assert.Equal(("device_exists_different", covering), (errors[3].Str("code"), errors[3].Str("lineId")));
        var (_, line) = await Http.GetJsonAsync($"/v1/lines/{bare}");
        Assert.Equal(imei, line.Str("option.coveredImei"));
        (_, line) = await Http.GetJsonAsync($"/v1/lines/{otherPlan}");
        Assert.Equal("legacy", line.Str("plan"));
        Assert.Null(line.Str("option.coveredImei"));
        (_, line) = await Http.GetJsonAsync($"/v1/lines/{covering}");
        Assert.Equal(coveredImei, line.Str("option.coveredImei"));
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_accepted_here_while_other_endpoints_still_refuse_it()
    {
        var records = LinesOnly(2000);
        var body = Body(records);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 2 * 64 * 1024);

        var events = await ImportOkAsync(body);

        Assert.True(Summary(events) == (2000, 2000, 0, 0), Describe(events));
        var last = JsonNode.Parse(records[^1])!;
        var (status, line) = await Http.GetJsonAsync($"/v1/lines/{last.Str("lineId")}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(last.Str("serviceStartDate"), line.Str("serviceStartDate"));

        using var other = new HttpRequestMessage(HttpMethod.Post, "/v1/lines") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var refused = await Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task Progress_streams_while_the_2500_record_body_is_still_being_sent()
    {
        var records = LinesOnly(2500);
        var firstProgress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The body stops after 1,500 records until a progress object has arrived: a server that read
        // the whole body, or held its output back, before answering never sends one and the body times out.
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new GatedContent(Body(records.Take(1500)), Body(records.Skip(1500)), firstProgress.Task),
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var response = await _streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Ndjson, response.Content.Headers.ContentType?.MediaType);
        var events = new List<JsonNode>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)))
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } text)
            {
                var e = JsonNode.Parse(text)!;
                events.Add(e);
                if (e.Str("type") == "progress")
                {
                    firstProgress.TrySetResult();
                }
            }
        }

        Assert.Equal("summary", events[^1].Str("type"));
        Assert.True(Summary(events) == (2500, 2500, 0, 0), Describe(events));
        var progress = events.Where(e => e.Str("type") == "progress").Select(Counts).ToList();
        Assert.Contains((1000L, 1000L, 0L, 0L), progress);
        Assert.Contains((2000L, 2000L, 0L, 0L), progress);
        Assert.Equal(progress.Select(p => p.Processed).Order(), progress.Select(p => p.Processed));
        Assert.All(events.Where(e => e.Str("type") == "progress"), e => Assert.True(e["ratePerSecond"]!.GetValue<double>() >= 0));
    }

    [Fact]
    public async Task Progress_counts_never_go_back_when_timed_objects_and_every_N_objects_interleave()
    {
        // A progress object every 7 records and every millisecond: both kinds come out
        // all the time, and a client that plots the counts must never see them go back.
        await using var chatty = Factory.WithWebHostBuilder(b => b
            .UseSetting("Warranty:Import:ProgressEveryRecords", "7")
            .UseSetting("Warranty:Import:ProgressInterval", "00:00:00.001"));
        var admin = chatty.CreateClient().As("admin");
        for (var run = 0; run < 3; run++)
        {
            var (status, _, events) = await ImportAsync(Body(LinesOnly(700)), client: admin);
            Assert.Equal(HttpStatusCode.OK, status);

            Assert.True(Summary(events) == (700, 700, 0, 0), Describe(events));
            var processed = events.Where(e => e.Str("type") == "progress").Select(e => Counts(e).Processed).ToList();
            Assert.Equal(processed.Order(), processed);
            Assert.All(Enumerable.Range(1, 100), k => Assert.Contains(7L * k, processed));
        }
    }

    [Fact]
    public async Task Refusals_come_before_streaming_and_an_empty_body_is_a_zero_summary()
    {
        var (status, contentType, events) = await ImportAsync(Record(TestData.NewLineId(), "2026-06-01") + "\n", contentType: "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("unsupported_media_type", events.Single().Code());

        foreach (var bad in new[] { "0", "abc", "100000" })
        {
            (status, contentType, events) = await ImportAsync("", $"?parallelism={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", events.Single().Code());
            Assert.NotNull(events.Single()["errors"]?["parallelism"]);
        }

        var empty = await ImportOkAsync("");
        Assert.True(Counts(Assert.Single(empty)) == (0, 0, 0, 0));

        var lineId = TestData.NewLineId();
        var one = await ImportOkAsync(Record(lineId, "2026-06-01"), "?parallelism=1");
        Assert.True(Summary(one) == (1, 1, 0, 0), Describe(one));
    }

    [Fact]
    public async Task An_Idempotency_Key_sent_with_an_import_does_not_reach_the_line_grains()
    {
        // Were the key passed on, each line's registration would replay its creation's stored response.
        var tac = await NewModelAsync();
        var subscribers = Subscribers(5, tac);

        var events = await ImportOkAsync(Body(subscribers.Select(Record)), idempotencyKey: $"imp-{Guid.NewGuid():N}");

        Assert.True(Summary(events) == (5, 5, 0, 0), Describe(events));
        foreach (var s in subscribers)
        {
            await AssertImportedAsync(s);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_import_as_NDJSON_in_and_out()
    {
        var (status, document) = await Http.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, status);

        var post = document?["paths"]?[Path]?["post"];
        Assert.NotNull(post);
        Assert.Equal("Admin", post["tags"]![0]!.GetValue<string>());
        Assert.NotNull(post["requestBody"]?["content"]?[Ndjson]);
        Assert.NotNull(post["responses"]?["200"]?["content"]?[Ndjson]);
        Assert.NotNull(post["responses"]?["415"]);
    }

    /// <summary>Sends <c>first</c>, then waits for <c>gate</c> before sending <c>rest</c>.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly string _first;
        private readonly string _rest;
        private readonly Task _gate;

        public GatedContent(string first, string rest, Task gate)
        {
            (_first, _rest, _gate) = (first, rest, gate);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Ndjson);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_first));
            await stream.FlushAsync();
            await _gate.WaitAsync(TimeSpan.FromSeconds(60));
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_rest));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
