namespace Warranty.Grains.Domain;

/// <summary>
/// The 12-month periods counted from the coverage start date (SPEC "Contract year"). A date
/// before coverage starts belongs to the first year.
/// </summary>
public readonly record struct ContractYear(DateOnly Start, DateOnly End)
{
    public static ContractYear Containing(DateOnly coverageStart, DateOnly date)
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

        var start = coverageStart.AddYears(years);
        return new ContractYear(start, start.AddYears(1).AddDays(-1));
    }

    public bool Contains(DateOnly date) => date >= Start && date <= End;
}
