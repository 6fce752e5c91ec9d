using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// What the OpenAPI document says of every operation beyond its own declarations: the document's title, its tags
/// with their descriptions, the server URL (from configuration, never from the request), and the answers any
/// operation can give: 401 and 403 (those that need a token), 429 (the rate limits), 503 (the cluster), and 413
/// and 415 for those with a body. Each is a problem document, as the operation's 400 is.
/// </summary>
public static class ContractDocument
{
    /// <summary>The public base URL the document names as its server (<c>Warranty:PublicUrl</c>).</summary>
    public const string PublicUrlSetting = "Warranty:PublicUrl";

    public const string DefaultPublicUrl = "http://localhost:5000";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Lines", "Lines (SIM or eSIM) and their warranty option: creation (ENR-1), plan changes (ENR-4), termination (COV-7, BIL-3), cancellation (ENR-3), history and the reception desk (REC-1, REC-2)."),
        ("Devices", "The covered device: registration and correction (REG-1..8), devices with their claims and coverage periods, and coverage lookups as of a date (COV-1..7)."),
        ("Usage feed", "The network's observations of a device on a line's SIM, which claims check (COV-5)."),
        ("Claims", "Repair and exchange claims: quotes and filings (CLM-1, CLM-13), then the steps from device receipt to repair completion or exchange delivery (CLM-2..12)."),
        ("Charges", "What a line is billed for a month: the option's fee (BIL-1..3) and the claims' charges (BIL-4)."),
        ("Catalogue", "The model catalogue (per TAC) and the exchange stock of designated models (CLM-9)."),
        ("Admin", "Bulk import of existing subscribers (NDJSON)."),
        ("Billing", "The monthly billing run over every line (BIL-1..4) and the read model it reads, projected from the event log (docs/billing.md)."),
        ("Reports", "Operational reports over every line, read from the read model's tables, never from the grains (docs/reports.md)."),
        ("Operations", "Liveness and readiness probes."),
    ];

    private static readonly (string Status, string Description)[] Common =
    [
        ("401", $"No token, or a token that is not valid (`{ErrorCodes.Unauthorized}`)."),
        ("403", $"The token's role may not do this, or a subscriber's token for another line (`{ErrorCodes.Forbidden}`)."),
        ("429", $"Over the principal's rate limit (`{ErrorCodes.RateLimited}`); `Retry-After` says when to retry."),
        ("503", $"The service is overloaded or its cluster is changing (`{ErrorCodes.Overloaded}`, `{ErrorCodes.Unavailable}`); `Retry-After` says when to retry."),
    ];

    private static readonly (string Status, string Description)[] WithBody =
    [
        ("413", $"The body is larger than the limit (`{ErrorCodes.PayloadTooLarge}`)."),
        ("415", $"The body is not sent as `application/json` (`{ErrorCodes.UnsupportedMediaType}`)."),
    ];

    /// <summary>
    /// A request field that takes an enum's values refers to that enum's schema, the one responses use, so a generated
    /// client has one type per enum for both directions.
    /// </summary>
    private static void ShareEnums(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return;
        }

        static string Key(IEnumerable<System.Text.Json.Nodes.JsonNode> values) =>
            string.Join("|", values.Select(v => v?.ToString()).Where(v => v is not null).Order(StringComparer.Ordinal));

        var enums = schemas
            .Where(s => s.Value.Enum is { Count: > 0 } values && !s.Key.EndsWith("Request", StringComparison.Ordinal))
            .GroupBy(s => Key(s.Value.Enum!))
            .ToDictionary(g => g.Key, g => g.First().Key);
        foreach (var (name, schema) in schemas.Where(s => s.Key.EndsWith("Request", StringComparison.Ordinal)).ToList())
        {
            if (schema is not OpenApiSchema request || request.Properties is not { } properties)
            {
                continue;
            }

            foreach (var (field, property) in properties.ToList())
            {
                if (property.Enum is { Count: > 0 } values && enums.TryGetValue(Key(values), out var shared))
                {
                    properties[field] = new OpenApiSchemaReference(shared, document);
                }
            }
        }
    }

    /// <summary>The component name of a history entry (<see cref="HistoryRecord"/>), whose schema <see cref="HistorySchemas"/> writes.</summary>
    public const string HistoryEntrySchema = "HistoryEntry";

    /// <summary>
    /// A history entry is one of a schema per entry <c>type</c> (<see cref="Grains.Interfaces.HistoryTypes"/>), told apart by
    /// <c>type</c>: each names its data's values with their JSON types, all required, null only where the type says so.
    /// </summary>
    private static void HistorySchemas(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas || !schemas.ContainsKey(HistoryEntrySchema))
        {
            return;
        }

        IOpenApiSchema ValueSchema(Grains.Interfaces.HistoryField field)
        {
            IOpenApiSchema value = field.Kind switch
            {
                Grains.Interfaces.HistoryValueKind.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean },
                Grains.Interfaces.HistoryValueKind.Integer => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                Grains.Interfaces.HistoryValueKind.Date => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                Grains.Interfaces.HistoryValueKind.Imei => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{15}$" },
                Grains.Interfaces.HistoryValueKind.Tac => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{8}$" },
                Grains.Interfaces.HistoryValueKind.ClaimId => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^C[0-9]{4,}$" },
                Grains.Interfaces.HistoryValueKind.Choice => EnumReference(field.Values!),
                _ => new OpenApiSchema { Type = JsonSchemaType.String },
            };
            if (value is OpenApiSchema inline)
            {
                inline.Description = field.Description;
                if (field.Nullable)
                {
                    inline.Type |= JsonSchemaType.Null;
                }

                return inline;
            }

            return field.Nullable
                ? new OpenApiSchema { Description = field.Description, OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, value] }
                : new OpenApiSchemaReference(field.Values!.Name, document) { Description = field.Description };
        }

        IOpenApiSchema EnumReference(Type values)
        {
            if (!schemas.ContainsKey(values.Name))
            {
                schemas[values.Name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = Enum.GetNames(values).Select(n => (System.Text.Json.Nodes.JsonNode)System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)).ToList(),
                };
            }

            return new OpenApiSchemaReference(values.Name, document);
        }

        var mapping = new Dictionary<string, OpenApiSchemaReference>();
        foreach (var type in Grains.Interfaces.HistoryTypes.All)
        {
            var name = Pascal(type.Name);
            schemas[name + "Data"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = $"The values of a `{type.Name}` entry.",
                Properties = type.Fields.ToDictionary(f => f.Name, ValueSchema),
                Required = type.Fields.Select(f => f.Name).ToHashSet(),
                AdditionalPropertiesAllowed = false,
            };
            schemas[name + "Entry"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = type.Description,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["at"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When it happened, as the request gave it." },
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [type.Name] },
                    ["actor"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The `sub` of the token that made the change." },
                    ["data"] = new OpenApiSchemaReference(name + "Data", document),
                },
                Required = new HashSet<string> { "at", "type", "actor", "data" },
            };
            mapping[type.Name] = new OpenApiSchemaReference(name + "Entry", document);
        }

        schemas[HistoryEntrySchema] = new OpenApiSchema
        {
            Description = "One event of a line's history; `type` says which, and so which values `data` carries.",
            OneOf = mapping.Values.Cast<IOpenApiSchema>().ToList(),
            Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = mapping },
        };
        schemas.Remove(nameof(System.Text.Json.Nodes.JsonObject));
    }

    /// <summary>
    /// An example of every response body (<see cref="ResponseExamples"/>): the operation's own type for a success, a problem
    /// document fitting the status and the operation for an error. Each response gets its own media type object, since
    /// the added statuses started as copies of the 400's.
    /// </summary>
    private static void AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var json = context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var tag = operation.Tags?.FirstOrDefault()?.Name;
        var path = "/" + context.Description.RelativePath;
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse answer || answer.Content is not { Count: > 0 } content)
            {
                continue;
            }

            var type = context.Description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status)?.Type;
            var example = status[0] is '4' or '5'
                ? ResponseExamples.Problem(status, tag, path, json)
                : type is not null && type != typeof(void) ? ResponseExamples.For(type, json) : null;
            answer.Content = content.ToDictionary(
                c => c.Key,
                c => new OpenApiMediaType { Schema = c.Value.Schema, Example = example ?? c.Value.Example });
        }
    }

    /// <summary>
    /// Names each enum value for code generators (<c>x-ms-enum</c>, which Kiota and AutoRest read): <c>screen_crack</c>
    /// becomes the member <c>ScreenCrack</c>, as the service itself names it, instead of a generator's <c>Screen_crack</c>.
    /// </summary>
    private static void NameEnumMembers(OpenApiDocument document)
    {
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (schema is not OpenApiSchema { Enum: { Count: > 0 } values } enumSchema || values.Any(v => v?.GetValueKind() != System.Text.Json.JsonValueKind.String))
            {
                continue;
            }

            var members = new System.Text.Json.Nodes.JsonArray();
            foreach (var value in values.Select(v => v!.GetValue<string>()))
            {
                members.Add(new System.Text.Json.Nodes.JsonObject
                {
                    ["value"] = value,
                    ["name"] = Pascal(value),
                });
            }

            enumSchema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            enumSchema.Extensions["x-ms-enum"] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = name,
                ["modelAsString"] = false,
                ["values"] = members,
            });
        }
    }

    /// <summary><c>claim_filed</c> → <c>ClaimFiled</c>.</summary>
    private static string Pascal(string snake) => string.Concat(snake.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>POSTs that take no Idempotency-Key: a quote changes nothing, adding an option is always refused, an import is re-runnable.</summary>
    private static readonly HashSet<string> Unkeyed = ["quoteClaim", "addOption", "importSubscribers"];

    public static OpenApiOptions AddContract(this OpenApiOptions options) => options
        .AddSchemaTransformer((schema, context, _) =>
        {
            // An enum's schema lists its values only: where a field may be null, the field says so (oneOf null or the
            // enum). A null among the values made every null field fail strict validation.
            if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
            {
                schema.Enum = values.Where(v => v is not null).ToList();
                schema.Type = JsonSchemaType.String;
            }

            if (context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) && schema.Properties is { } properties)
            {
                schema.Description = "A problem document (RFC 9457) with the contract's extensions.";
                properties["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the problem's kind." };
                properties["title"] = new OpenApiSchema { Type = JsonSchemaType.String };
                properties["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" };
                properties["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, in words." };
                properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The error code (docs/rules.md lists them all)." };
                properties["rules"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Z]{3}-[0-9]+[a-h]?$" },
                    Description = "The rule IDs that refused the request, when rules did (docs/rules.md).",
                };
                properties["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    Description = "For a 400: each bad field (or header) and what is wrong with it.",
                };
                properties["retryAfterSeconds"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "For a 429 or 503: seconds until a retry may succeed (also Retry-After)." };
                schema.Required = new HashSet<string> { "type", "title", "status", "code" };
            }

            return Task.CompletedTask;
        })
        .AddDocumentTransformer((document, context, _) =>
        {
            var configuration = context.ApplicationServices.GetRequiredService<IConfiguration>();
            document.Info.Title = "Warranty API";
            document.Info.Version = "v1";
            document.Info.Description = "Device warranty option (つながる端末保証): lines, devices, coverage, claims and charges. " +
                "Rule IDs (ENR-1, COV-5 …) are explained in the repository's docs/rules.md.";
            document.Info.Contact = new OpenApiContact { Name = "Warranty service team" };
            document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };
            var url = configuration[PublicUrlSetting] is { Length: > 0 } configured ? configured : DefaultPublicUrl;
            document.Servers = [new OpenApiServer { Url = url.TrimEnd('/'), Description = "Configured by Warranty:PublicUrl." }];
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            HistorySchemas(document);
            ShareEnums(document);
            NameEnumMembers(document);
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            operation.Responses ??= new OpenApiResponses();
            if (!operation.Responses.TryGetValue("400", out var badRequest))
            {
                return Task.CompletedTask;
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            if (context.Description.HttpMethod == "POST" && operation.OperationId is { } id && !Unkeyed.Contains(id))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKeys.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: the same key with the same request replays the first response; with another " +
                        $"request it is 422 `{ErrorCodes.IdempotencyKeyReused}`; while the first is being served, 409 `{ErrorCodes.IdempotencyKeyInFlight}`. " +
                        "Scoped to the token's subject and the line; kept 24 hours.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[\\x21-\\x7E]{1,128}$", MinLength = 1, MaxLength = 128 },
                });
                if (!operation.Responses.ContainsKey("409"))
                {
                    operation.Responses["409"] = new OpenApiResponse { Description = $"Conflict, e.g. `{ErrorCodes.IdempotencyKeyInFlight}`.", Content = badRequest.Content };
                }

                if (!operation.Responses.ContainsKey("422"))
                {
                    operation.Responses["422"] = new OpenApiResponse { Description = $"Unprocessable, e.g. `{ErrorCodes.IdempotencyKeyReused}`.", Content = badRequest.Content };
                }
            }

            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter.Schema is OpenApiSchema schema)
                {
                    (schema.Pattern, schema.Format) = parameter.Name switch
                    {
                        "tac" => ("^[0-9]{8}$", schema.Format),
                        "imei" => ("^[0-9]{15}$", schema.Format),
                        "lineId" => ("^[A-Za-z0-9-]{1,32}$", schema.Format),
                        "claimId" => ("^C[0-9]{4,}$", schema.Format),
                        "month" => ("^[0-9]{4}-(0[1-9]|1[0-2])$", schema.Format),
                        "date" => (schema.Pattern, "date"),
                        _ => (schema.Pattern, schema.Format),
                    };
                }
            }

            IEnumerable<(string Status, string Description)> answers = Common;
            // Any request may carry a body, and one over the limit is 413 whatever the operation; 415 where it takes one.
            if (context.Description.HttpMethod is "POST" or "PUT" or "PATCH")
            {
                answers = answers.Concat(WithBody.Where(b => b.Status == "413" || operation.RequestBody is not null));
            }

            foreach (var (status, description) in answers)
            {
                if (!operation.Responses.ContainsKey(status))
                {
                    operation.Responses[status] = new OpenApiResponse { Description = description, Content = badRequest.Content };
                }
            }

            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            // After the answers above are added, so that each gets its example.
            AddExamples(operation, context);
            return Task.CompletedTask;
        });
}
