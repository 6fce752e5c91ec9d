using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warranty.Api.Http.Auth;

/// <summary>The four roles of a token's <c>role</c> claim.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Network = "network";
    public const string Subscriber = "subscriber";

    public static readonly IReadOnlyList<string> All = [Admin, Operator, Network, Subscriber];
}

/// <summary>The claims this service reads from a token.</summary>
public static class TokenClaims
{
    /// <summary>The principal's name: recorded as the history's <c>actor</c>, and the scope of its Idempotency-Keys.</summary>
    public const string Subject = "sub";

    public const string Role = "role";

    /// <summary>A subscriber token's one line.</summary>
    public const string LineId = "line_id";

    /// <summary>Longest accepted <c>sub</c>: it is stored with every history entry and idempotency record.</summary>
    public const int MaxSubjectLength = 128;

    public static string? SubjectOf(ClaimsPrincipal user) => user.FindFirst(Subject)?.Value;

    public static string? LineIdOf(ClaimsPrincipal user) => user.FindFirst(LineId)?.Value;
}

/// <summary>Issues HS256 tokens of this service's shape (<c>dev-token</c> uses it).</summary>
public static class Tokens
{
    public static string Create(SigningKey key, AuthOptions options, string subject, string role, string? lineId, DateTimeOffset now, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object> { [TokenClaims.Subject] = subject, [TokenClaims.Role] = role };
        if (lineId is not null)
        {
            claims[TokenClaims.LineId] = lineId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key.Bytes), SecurityAlgorithms.HmacSha256),
        });
    }
}
