using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// <c>Warranty:Auth</c>: how bearer tokens (JWT, HS256) are signed and checked.
/// <list type="bullet">
/// <item><c>SigningKey</c> (env <c>Warranty__Auth__SigningKey</c>): base64 of at least 32 random bytes. Required
/// outside the Development environment; in Development, <c>DevelopmentKeyFile</c> is used (and created) instead.</item>
/// <item><c>Issuer</c> (default <c>warranty</c>) and <c>Audience</c> (default <c>warranty-api</c>): what tokens must carry.</item>
/// <item><c>DevelopmentKeyFile</c>: default <c>warranty-dev-signing-key</c> beside the default SQLite file.</item>
/// </list>
/// An <see cref="ISettings"/> class. Its rules about the key a start needs depend on the environment, so they are in
/// <see cref="Problems(IHostEnvironment?)"/>, which the start checks before anything is built (<see cref="AuthSetup"/>)
/// and again when it resolves the key (<see cref="SigningKeys.Resolve"/>); <see cref="Problems()"/> holds the others.
/// </summary>
public sealed class AuthOptions : ISettings
{
    public static string Section => "Warranty:Auth";
    public const string SigningKeyEnvironmentVariable = "Warranty__Auth__SigningKey";

    /// <summary>HS256 wants a key at least as long as its hash: 32 bytes.</summary>
    public const int MinKeyBytes = 32;

    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "warranty";

    public string Audience { get; set; } = "warranty-api";

    public string DevelopmentKeyFile { get; set; } = DefaultDevelopmentKeyFile;

    /// <summary>How many distinct valid tokens are remembered after their first validation (see <see cref="CachingTokenHandler"/>).</summary>
    public int TokenCacheSize { get; set; } = 100_000;

    /// <summary>In the service's <see cref="DataFolder"/> (e.g. <c>~/.local/share/warranty/</c>), beside the default SQLite store.</summary>
    public static string DefaultDevelopmentKeyFile { get; } =
        Path.Combine(DataFolder.Default, "warranty-dev-signing-key");

    public bool HasSigningKey => !string.IsNullOrWhiteSpace(SigningKey);

    /// <summary>What is wrong with these settings whatever the environment: a configured key that is not one, the issuer, the audience, the cache.</summary>
    public IEnumerable<string> Problems() => Problems(null);

    /// <summary>
    /// What is wrong with these settings in <paramref name="environment"/>; empty when they are usable. Without an
    /// environment, the rules that depend on it (a key is required outside Development) are left out.
    /// </summary>
    public IReadOnlyList<string> Problems(IHostEnvironment? environment)
    {
        var problems = new List<string>();
        if (HasSigningKey)
        {
            if (SigningKeys.Decode(SigningKey!) is null)
            {
                problems.Add(
                    $"Warranty:Auth:SigningKey ({SigningKeyEnvironmentVariable}) must be base64 of at least {MinKeyBytes} random bytes, " +
                    "e.g. the output of `openssl rand -base64 32`.");
            }
        }
        else if (environment is not null && !environment.IsDevelopment())
        {
            problems.Add(
                $"No token signing key is configured: set the environment variable {SigningKeyEnvironmentVariable} " +
                $"(setting Warranty:Auth:SigningKey) to base64 of at least {MinKeyBytes} random bytes, e.g. `openssl rand -base64 32`. " +
                $"Only the Development environment falls back to a development key file (this is '{environment.EnvironmentName}').");
        }
        else if (environment is not null && !Path.IsPathRooted(DevelopmentKeyFile))
        {
            problems.Add(
                "Warranty:Auth:DevelopmentKeyFile must be an absolute path (this user has no local application data folder): " +
                $"set it, or set {SigningKeyEnvironmentVariable}.");
        }

        if (string.IsNullOrWhiteSpace(Issuer))
        {
            problems.Add("Warranty:Auth:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            problems.Add("Warranty:Auth:Audience must not be empty.");
        }

        if (TokenCacheSize <= 0)
        {
            problems.Add("Warranty:Auth:TokenCacheSize must be above 0.");
        }

        return problems;
    }
}
