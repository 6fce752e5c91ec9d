using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// Validates each distinct bearer token once and remembers the result until the token expires. Front ends send
/// the same token with every request, and a full validation (base64, JSON, HMAC, claims) costs about as much as a
/// warm coverage lookup.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Only valid tokens are remembered, until their <c>exp</c> plus the allowed clock skew (what the validator
/// itself accepts); a failure is validated again every time, so an attacker gains nothing from the cache.</item>
/// <item>A result is reused only under the validation parameters it was made with (signing key, issuer, audience):
/// with another key (a rotated or revoked one) every cached token is validated again and fails.</item>
/// <item>Bounded: at <see cref="Capacity"/> entries the expired ones are dropped, and if none expired, all are.</item>
/// <item>The identity is a <see cref="PrincipalIdentity"/>, which carries the principal's rate-limit key and role
/// worked out once per token.</item>
/// </list>
/// </remarks>
internal sealed class CachingTokenHandler(TimeProvider clock, int capacity) : TokenHandler
{
    private readonly JsonWebTokenHandler _validator = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Entries held now (for tests).</summary>
    public int Count => Volatile.Read(ref _count);

    private sealed record Entry(TokenValidationResult Result, DateTime UsableUntilUtc, SecurityKey? Key, string? Issuer, string? Audience)
    {
        /// <summary>The principal once the whole authentication (this validation and the service's own checks) admitted it.</summary>
        public ClaimsPrincipal? Admitted { get; set; }

        public bool UsableUnder(TokenValidationParameters parameters, DateTime now) =>
            now < UsableUntilUtc
            && ReferenceEquals(Key, parameters.IssuerSigningKey)
            && Issuer == parameters.ValidIssuer
            && Audience == parameters.ValidAudience;
    }

    /// <summary>
    /// The principal of a token already admitted under the same parameters, so authentication can answer at once
    /// (without the bearer handler's per-request setup). Null when the token must be validated.
    /// </summary>
    public ClaimsPrincipal? Admitted(string token, TokenValidationParameters validationParameters) =>
        _entries.TryGetValue(token, out var entry) && entry.Admitted is { } principal && entry.UsableUnder(validationParameters, clock.GetUtcNow().UtcDateTime)
            ? principal
            : null;

    /// <summary>Records that <paramref name="token"/> passed every check of authentication, as <paramref name="principal"/>.</summary>
    public void Admit(string token, ClaimsPrincipal principal)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            entry.Admitted = principal;
        }
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_entries.TryGetValue(token, out var entry) && entry.UsableUnder(validationParameters, now))
        {
            return entry.Result;
        }

        var result = await _validator.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || result.ClaimsIdentity is null)
        {
            if (entry is not null && _entries.TryRemove(token, out _))
            {
                Interlocked.Decrement(ref _count);
            }

            return result;
        }

        result.ClaimsIdentity = new PrincipalIdentity(result.ClaimsIdentity);
        var fresh = new Entry(result, jwt.ValidTo + validationParameters.ClockSkew, validationParameters.IssuerSigningKey,
            validationParameters.ValidIssuer, validationParameters.ValidAudience);
        if (Volatile.Read(ref _count) >= Capacity)
        {
            MakeRoom(now);
        }

        if (_entries.TryAdd(token, fresh))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _entries[token] = fresh;
        }

        return result;
    }

    private void MakeRoom(DateTime now)
    {
        foreach (var (token, entry) in _entries)
        {
            if (entry.UsableUntilUtc <= now && _entries.TryRemove(token, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        if (Volatile.Read(ref _count) >= Capacity)
        {
            foreach (var token in _entries.Keys)
            {
                if (_entries.TryRemove(token, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    // Reading and writing tokens is the validator's business; this handler only validates.
    public override SecurityToken ReadToken(string token) => _validator.ReadToken(token);
}

/// <summary>A token's identity with what every request asks of it worked out once: the rate-limit key and the role.</summary>
internal sealed class PrincipalIdentity : ClaimsIdentity
{
    public PrincipalIdentity(ClaimsIdentity validated)
        : base(validated)
    {
        Role = FindFirst(TokenClaims.Role)?.Value;
        RateLimitKey = $"{Role}:{FindFirst(TokenClaims.Subject)?.Value ?? "?"}";
    }

    public string? Role { get; }

    public string RateLimitKey { get; }
}
