namespace Warranty.LoadTest.Load;

/// <summary>The requests of the mixed workload.</summary>
public enum Operation
{
    /// <summary>GET /v1/devices/{imei}/coverage: the hot path.</summary>
    Coverage,

    /// <summary>GET /v1/lines/{lineId}.</summary>
    ReadLine,

    /// <summary>GET /v1/lines/{lineId}/claims.</summary>
    ReadClaims,

    /// <summary>POST /v1/lines/{lineId}/usage: a usage observation from the network.</summary>
    Usage,

    /// <summary>POST /v1/lines/{lineId}/claims: a claim filing (201, or 422 claim_refused once CLM-1 is reached).</summary>
    Claim,

    /// <summary>
    /// POST /v1/lines/{lineId}/claims/{claimId}/withdrawal of a claim this run filed, so that the line can take new
    /// claims (CLM-1 counts withdrawn claims no more) and filings keep being accepted for a long run. A filing
    /// when no claim is waiting to be withdrawn.
    /// </summary>
    Withdraw,
}

public static class Operations
{
    public static readonly Operation[] All = Enum.GetValues<Operation>();

    public static string Name(this Operation operation) => operation switch
    {
        Operation.Coverage => "coverage",
        Operation.ReadLine => "read_line",
        Operation.ReadClaims => "read_claims",
        Operation.Usage => "usage",
        Operation.Claim => "claim",
        Operation.Withdraw => "withdraw",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>An answer of the service that the workload expects; anything else is counted as an error.</summary>
    public static bool IsExpected(this Operation operation, int status) => operation switch
    {
        Operation.Usage => status == 204,
        // A refusal is a normal answer of a claim filing: CLM-1 refuses the third claim of a contract year.
        Operation.Claim => status is 201 or 422,
        _ => status == 200,
    };
}
