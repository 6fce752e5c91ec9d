// The stateless SQL peer of bench/run.sh (issue 9, item 2): GET /v1/devices/{imei}/coverage answered the way a team
// would build it without grains, so that the service's warm lookups can be put in proportion (the "warm / peer" ratio).
//   - the same JWT validation as the service (src/Api/Http/Auth/AuthSetup.cs): JwtBearer, HS256 with the same key,
//     issuer, audience, lifetime (30 s skew), MapInboundClaims = false, a required `sub`; staff (admin, operator) may
//     look up any device, a subscriber only the device its own line covers (another is 404, as in the service);
//   - ONE SQL query per lookup: the device by primary key joined to its line by primary key (bench/sqlpeer/schema.sql);
//   - the same answer as the service's CoverageView (COV-1..7, CLM-1..3 as src/Grains/Domain/CoverageRules.cs
//     evaluates them), camelCase JSON, nulls written;
//   - a connection pool like the service's: Maximum Pool Size 16, Max Auto Prepare 8, No Reset On Close
//     (src/Grains/Storage/WarrantyStorageOptions.cs); log level Warning.
// No rate limiter and no concurrency bound, unlike the service: the peer gets the benefit of the doubt.
// Configuration: SqlPeer__ConnectionString (Npgsql; pool settings above are applied unless it sets them),
// Warranty__Auth__SigningKey (base64, as for the service), --urls. Not part of the product; not in Warranty.sln.
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

var connectionString = builder.Configuration["SqlPeer:ConnectionString"]
    ?? throw new InvalidOperationException("Set SqlPeer__ConnectionString (Npgsql) to the peer's database.");
var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
if (!given.ContainsKey("Maximum Pool Size") && !given.ContainsKey("Max Pool Size"))
{
    npgsql.MaxPoolSize = 16;
}

if (!given.ContainsKey("Max Auto Prepare"))
{
    npgsql.MaxAutoPrepare = 8;
}

if (!given.ContainsKey("No Reset On Close"))
{
    npgsql.NoResetOnClose = true;
}

var keyText = builder.Configuration["Warranty:Auth:SigningKey"]
    ?? throw new InvalidOperationException("Set Warranty__Auth__SigningKey (base64 of at least 32 bytes), as for the service.");
var key = Convert.FromBase64String(keyText.Trim());
if (key.Length < 32)
{
    throw new InvalidOperationException("Warranty__Auth__SigningKey must be base64 of at least 32 bytes.");
}

builder.Services.AddSingleton(NpgsqlDataSource.Create(npgsql.ConnectionString));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
// AddAuthentication brings data protection, which nothing here uses but which creates a key ring at start: keep
// it in memory rather than in ~/.aspnet, as the service does.
builder.Services.Configure<KeyManagementOptions>(o =>
{
    o.XmlRepository = new InMemoryKeyRing();
    o.XmlEncryptor = new NullXmlEncryptor();
});
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
{
    jwt.MapInboundClaims = false;
    jwt.TokenValidationParameters = new TokenValidationParameters
    {
        ValidateIssuer = true,
        ValidIssuer = builder.Configuration["Warranty:Auth:Issuer"] ?? "warranty",
        ValidateAudience = true,
        ValidAudience = builder.Configuration["Warranty:Auth:Audience"] ?? "warranty-api",
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        IssuerSigningKey = new SymmetricSecurityKey(key),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = "sub",
        RoleClaimType = "role",
    };
    jwt.Events = new JwtBearerEvents
    {
        OnTokenValidated = context =>
        {
            var subject = context.Principal?.FindFirst("sub")?.Value;
            if (string.IsNullOrWhiteSpace(subject) || subject.Length > 128 || subject.Any(char.IsControl))
            {
                context.Fail("The token's 'sub' claim must be 1–128 printable characters.");
            }

            return Task.CompletedTask;
        },
    };
});
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy("device", p => p.RequireRole("admin", "operator", "subscriber"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/health/ready", async (NpgsqlDataSource db, CancellationToken cancellationToken) =>
{
    await using var command = db.CreateCommand("SELECT 1");
    await command.ExecuteScalarAsync(cancellationToken);
    return Results.Text("Healthy");
}).AllowAnonymous();

app.MapGet("/v1/devices/{imei}/coverage", Coverage.LookupAsync).RequireAuthorization("device");
app.Run();

/// <summary>The lookup: one query, then the coverage rules on the row.</summary>
internal static class Coverage
{
    private const string Query = """
        SELECT d.line_id, d.status, d.kind, d.release_date, d.registered_at,
               l.line_id IS NOT NULL AND l.warranty_option, l.coverage_start_date, l.terminated_on, l.covered_imei,
               l.claims_year_start, l.claims_in_year, l.last_usage_from, l.last_usage_date
        FROM devices d LEFT JOIN lines l ON l.line_id = d.line_id
        WHERE d.imei = $1
        """;

    private static readonly TimeSpan JapanOffset = TimeSpan.FromHours(9);

    public static async Task<IResult> LookupAsync(string imei, string? date, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        if (!IsValidImei(imei))
        {
            return Problem(400, "invalid_imei", "An IMEI is 15 digits ending in a valid Luhn check digit (REG-3).");
        }

        var on = JapanDate(DateTimeOffset.UtcNow);
        if (date is not null)
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out on) || on.Year is < 1900 or > 2999)
            {
                return Problem(400, "invalid_request", "date must be a date from 1900-01-01 to 2999-12-31 (yyyy-MM-dd).");
            }
        }

        await using var command = db.CreateCommand(Query);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = imei });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return NotFound(imei);
        }

        var lineId = reader.IsDBNull(0) ? null : reader.GetString(0);
        // A subscriber sees only the device its own line covers; any other is hidden as the service hides it.
        if (!user.IsInRole("admin") && !user.IsInRole("operator") && (lineId is null || user.FindFirst("line_id")?.Value != lineId))
        {
            return NotFound(imei);
        }

        var status = reader.GetString(1);
        if (status != "covered")
        {
            return Results.Ok(NotCovered(imei, on, null, status switch { "excluded" => "CLM-8", "replaced" => "CLM-9", _ => "REG-4" }));
        }

        var hasOption = !reader.IsDBNull(5) && reader.GetBoolean(5);
        var coveredImei = reader.IsDBNull(8) ? null : reader.GetString(8);
        if (!hasOption || reader.IsDBNull(6) || coveredImei != imei)
        {
            return Results.Ok(NotCovered(imei, on, lineId, "REG-1"));
        }

        var kind = reader.GetString(2);
        var releaseDate = reader.GetFieldValue<DateOnly>(3);
        var registeredOn = JapanDate(new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero));
        var coverageStart = reader.GetFieldValue<DateOnly>(6);
        DateOnly? terminatedOn = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7);
        DateOnly? claimsYearStart = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9);
        var claimsInYear = reader.GetInt32(10);
        DateOnly? usageFrom = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11);
        DateOnly? usageTo = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateOnly>(12);

        var rules = new List<string>();
        if (on < coverageStart)
        {
            rules.Add("COV-4");
        }

        if (on < registeredOn)
        {
            rules.Add("REG-1");
        }

        if (terminatedOn is { } end && on > end)
        {
            rules.Add("COV-7");
        }

        var covered = rules.Count == 0;
        var until = releaseDate.AddMonths(36);
        var naturalFailure = covered && on <= until;
        if (covered && !naturalFailure)
        {
            rules.Add("COV-2");
        }

        var yearStart = ContractYearStart(coverageStart, on);
        var claims = claimsYearStart == yearStart ? claimsInYear : 0;
        var remaining = Math.Max(0, 2 - claims);
        var exchange = covered && kind is "android" or "windows" && remaining > 0;
        return Results.Ok(new CoverageAnswer(
            imei,
            on,
            covered,
            lineId,
            BreakageCovered: covered,
            NaturalFailureCovered: naturalFailure,
            NaturalFailureCoveredUntil: until,
            // The last run of consecutive days the device was seen, cut at the date (UsageRules.LastUsageOnOrBefore).
            LastUsageDate: usageFrom is { } from && from <= on && usageTo is { } to ? (to < on ? to : on) : null,
            ClaimsRemaining: remaining,
            ExchangeAvailable: exchange,
            NextExchangeFeeYen: exchange ? (claims + 1) switch { 1 => 4_400, 2 => 8_800, _ => null } : null,
            Rules: rules));
    }

    private static CoverageAnswer NotCovered(string imei, DateOnly date, string? lineId, string rule) =>
        new(imei, date, false, lineId, false, false, null, null, null, false, null, [rule]);

    private static IResult NotFound(string imei) => Problem(404, "device_not_found", $"Device {imei} is not registered.");

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    private static DateOnly JapanDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(JapanOffset).DateTime);

    /// <summary>The start of the contract year containing <paramref name="date"/> (src/Grains/Domain/ContractYear.cs).</summary>
    private static DateOnly ContractYearStart(DateOnly coverageStart, DateOnly date)
    {
        var years = 0;
        if (date >= coverageStart)
        {
            years = date.Year - coverageStart.Year;
            if (coverageStart.AddYears(years) > date)
            {
                years--;
            }
        }

        return coverageStart.AddYears(years);
    }

    private static bool IsValidImei(string imei)
    {
        if (imei.Length != 15)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = imei[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            var digit = c - '0';
            if (i % 2 == 1)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}

/// <summary>Data protection's key ring in memory.</summary>
internal sealed class InMemoryKeyRing : IXmlRepository
{
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_elements)
        {
            return [.. _elements];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
        {
            _elements.Add(element);
        }
    }
}

/// <summary>The fields of the service's CoverageView (src/Grains.Interfaces/Models.cs), in its order.</summary>
internal sealed record CoverageAnswer(
    string Imei,
    DateOnly Date,
    bool Covered,
    string? LineId,
    bool BreakageCovered,
    bool NaturalFailureCovered,
    DateOnly? NaturalFailureCoveredUntil,
    DateOnly? LastUsageDate,
    int? ClaimsRemaining,
    bool ExchangeAvailable,
    int? NextExchangeFeeYen,
    IReadOnlyList<string> Rules);
