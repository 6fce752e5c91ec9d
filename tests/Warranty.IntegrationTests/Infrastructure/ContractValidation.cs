using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>
/// Issue 11: every response the API tests receive is checked against the served OpenAPI document. The status must be
/// one the operation declares, and a JSON body must match that status's schema (JSON Schema 2020-12, as OpenAPI 3.1
/// writes it). A response that does not is replaced by a 500 naming the drift, so the test that made the request
/// fails; <see cref="Failures"/> keeps them all.
/// </summary>
public sealed class ContractValidator
{
    // JsonSchema.Net resolves a $ref while it builds a schema, and two builds racing over the same document can leave a
    // $ref unresolved for good (CI saw "Could not resolve …" for one operation of one factory). So every response schema
    // is built once, in Load, one validator at a time, against a registry of this validator's own; Check only reads.
    private static readonly Lock BuildLock = new();
    private Dictionary<string, JsonSchema> _schemas = [];
    private List<(Regex Pattern, string Template)> _paths = [];
    private JsonDocument? _document;
    private int _validated;

    /// <summary>Responses checked so far (every status; bodies too when they are JSON).</summary>
    public int Validated => Volatile.Read(ref _validated);

    public ConcurrentQueue<string> Failures { get; } = new();

    public bool Loaded => Volatile.Read(ref _document) is not null;

    public void Load(string openApiJson)
    {
        var document = JsonDocument.Parse(openApiJson);
        var root = document.RootElement;
        var baseUri = $"urn:warranty-contract:{Guid.NewGuid():N}";
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        lock (BuildLock)
        {
            // OpenAPI 3.1 schemas are JSON Schema 2020-12 with OpenAPI's own keywords (discriminator, example) beside them.
            var registry = new SchemaRegistry();
            registry.Register(new JsonElementBaseDocument(root, new Uri(baseUri)));
            var build = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = registry };
            using var nothing = JsonDocument.Parse("null");
            foreach (var (template, method, status, media) in DeclaredSchemas(root))
            {
                var pointer = Pointer(template, method, status, media);
                var schema = JsonSchema.FromText($"{{\"$ref\":\"{baseUri}{pointer}\"}}", build);
                try
                {
                    schema.Evaluate(nothing.RootElement);
                }
                catch (RefResolutionException e)
                {
                    throw new InvalidOperationException($"The served OpenAPI document's schema at {pointer} does not resolve: {e.Message}", e);
                }

                schemas[pointer] = schema;
            }
        }

        _schemas = schemas;
        _paths = root.GetProperty("paths").EnumerateObject()
            .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^/]+?}", "[^/]+") + "$"), p.Name))
            .OrderBy(p => p.Name.Count(c => c == '{'))
            .ToList();
        Volatile.Write(ref _document, document);
    }

    /// <summary>Every response schema an OpenAPI document declares: path template, method (lower case), status, media type.</summary>
    public static IEnumerable<(string Template, string Method, string Status, string Media)> DeclaredSchemas(JsonElement root) =>
        from path in root.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("responses", out _)
        from response in operation.Value.GetProperty("responses").EnumerateObject()
        where response.Value.TryGetProperty("content", out _)
        from media in response.Value.GetProperty("content").EnumerateObject()
        where media.Value.TryGetProperty("schema", out _)
        select (path.Name, operation.Name, response.Name, media.Name);

    private static string Pointer(string template, string method, string status, string media) =>
        $"#/paths/{Escape(template)}/{method}/responses/{status}/content/{Escape(media)}/schema";

    /// <summary>Null when the response keeps the contract; else what is wrong.</summary>
    public string? Check(string method, string path, int status, string? contentType, byte[] body)
    {
        if (Volatile.Read(ref _document) is not { } document)
        {
            return null;
        }

        var template = _paths.FirstOrDefault(p => p.Pattern.IsMatch(path)).Template;
        if (template is null
            || !document.RootElement.GetProperty("paths").GetProperty(template).TryGetProperty(method.ToLowerInvariant(), out var operation))
        {
            return null; // not an operation of the contract (health, the document itself, an unknown route or method)
        }

        Interlocked.Increment(ref _validated);
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.GetProperty("responses").TryGetProperty(code, out var response))
        {
            return $"{method} {path} answered {status}, which {method} {template} does not declare";
        }

        var media = contentType?.Split(';')[0].Trim();
        if (body.Length == 0 || media is null || !media.EndsWith("json", StringComparison.Ordinal))
        {
            return null;
        }

        if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty(media, out var declared) || !declared.TryGetProperty("schema", out _))
        {
            return $"{method} {path} answered {status} as {media}, which {method} {template} does not declare";
        }

        var schema = _schemas[Pointer(template, method.ToLowerInvariant(), code, media)]; // Load built every declared one
        // NDJSON (the billing run): every line is one value of the declared schema.
        var values = media.EndsWith("ndjson", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetBytes).ToList()
            : [body];
        foreach (var value in values)
        {
            if (Check(schema, method, path, template, status, value) is { } drift)
            {
                return drift;
            }
        }

        return null;
    }

    private static string? Check(JsonSchema schema, string method, string path, string template, int status, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var result = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .Take(6)
            .Select(d => $"{d.InstanceLocation} ({d.SchemaLocation}): {string.Join(", ", d.Errors!.Values)}");
        return $"{method} {path} answered {status} with a body that does not match {method} {template}'s schema: {string.Join("; ", errors)}. Body: {Encoding.UTF8.GetString(body)}";
    }

    /// <summary>A JSON Pointer segment as a URI fragment holds it (RFC 6901, sections 4 and 6).</summary>
    private static string Escape(string segment) =>
        Uri.EscapeDataString(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
}

/// <summary>Puts <see cref="ContractValidator"/> in front of the test host's pipeline (streamed imports pass through).</summary>
public sealed class ContractValidationStartupFilter(ContractValidator validator) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!validator.Loaded || context.Request.Path.StartsWithSegments("/v1/admin/imports"))
            {
                await nextMiddleware(context);
                return;
            }

            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            var body = buffer.ToArray();
            var drift = validator.Check(context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode, context.Response.ContentType, body);
            if (drift is not null)
            {
                validator.Failures.Enqueue(drift);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "application/problem+json";
                context.Response.ContentLength = null;
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = 500, code = "contract_drift", detail = "Contract drift: " + drift }));
                return;
            }

            await original.WriteAsync(body);
        });
        next(app);
    };
}
