using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class EnrollmentRulesTests
{
    private static readonly DateOnly Today = new(2026, 1, 5);
    private static readonly EventContext Context = new(TestData.JapanInstant(2026, 1, 5), "operator");

    [Fact]
    public void ENR_1_a_new_line_applied_for_with_the_option_gets_the_option()
    {
        var start = new DateOnly(2026, 1, 10);

        var result = EnrollmentRules.CreateLine("line-1", new CreateLineCommand(Plan.Giga, SimType.Esim, start, true), Context, Today);

        Assert.True(result.IsSuccess);
        var line = result.Value!;
        Assert.Equal("line-1", line.LineId);
        Assert.True(line.Exists);
        Assert.Equal(Plan.Giga, line.Plan);
        Assert.Equal(SimType.Esim, line.SimType);
        Assert.Equal(start, line.ServiceStartDate);
        Assert.Equal(Context.At, line.CreatedAt);
        Assert.Null(line.CancelledOn);
        Assert.NotNull(line.Option);
        Assert.Null(line.Option.Device);
        Assert.False(line.Option.Registered);
        Assert.Null(line.Option.TerminatedOn);
    }

    [Fact]
    public void ENR_1_a_new_line_applied_for_without_the_option_has_none()
    {
        var result = EnrollmentRules.CreateLine("line-1", new CreateLineCommand(Plan.Legacy, SimType.Physical, Today, false), Context, Today);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Value!.Option);
    }

    [Fact]
    public void ENR_1_adding_the_option_to_an_existing_line_later_is_refused_with_option_enrollment_closed()
    {
        var error = EnrollmentRules.AddOptionLater();

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("option_enrollment_closed", error.Code);
        Assert.Equal(["ENR-1"], error.Rules);
    }

    [Fact]
    public void A_service_start_date_up_to_30_days_ahead_is_accepted_and_31_days_is_refused()
    {
        var atLimit = EnrollmentRules.CreateLine("line-1", new CreateLineCommand(Plan.Giga, SimType.Physical, Today.AddDays(30), true), Context, Today);
        var beyond = EnrollmentRules.CreateLine("line-1", new CreateLineCommand(Plan.Giga, SimType.Physical, Today.AddDays(31), true), Context, Today);
        var past = EnrollmentRules.CreateLine("line-1", new CreateLineCommand(Plan.Giga, SimType.Physical, new DateOnly(2020, 4, 1), true), Context, Today);

        Assert.True(atLimit.IsSuccess);
        Assert.True(past.IsSuccess);
        Assert.False(beyond.IsSuccess);
        Assert.Equal(ErrorKind.Invalid, beyond.Error!.Kind);
        Assert.Equal("invalid_request", beyond.Error.Code);
        Assert.NotNull(beyond.Error.Errors);
        Assert.True(beyond.Error.Errors.ContainsKey("serviceStartDate"));
    }

    [Theory]
    [InlineData("2026-01-10", "2026-02-01")]
    [InlineData("2026-01-01", "2026-02-01")]
    [InlineData("2026-01-31", "2026-02-01")]
    [InlineData("2025-12-31", "2026-01-01")]
    [InlineData("2024-02-29", "2024-03-01")]
    public void COV_4_a_new_option_starts_coverage_on_the_first_day_of_the_next_month(string start, string coverageStart)
    {
        var option = EnrollmentRules.NewOption(TestData.D(start));

        Assert.Equal(TestData.D(coverageStart), option.CoverageStartDate);
    }

    [Theory]
    [InlineData("2026-01-10", "2026-01-24")]
    [InlineData("2026-01-20", "2026-02-03")]
    [InlineData("2025-12-25", "2026-01-08")]
    [InlineData("2024-02-20", "2024-03-05")]
    public void REG_2_a_new_option_has_its_registration_deadline_14_days_after_the_start(string start, string deadline)
    {
        var option = EnrollmentRules.NewOption(TestData.D(start));

        Assert.Equal(TestData.D(deadline), option.RegistrationDeadline);
    }

    [Fact]
    public void REG_2_an_unregistered_option_awaits_registration_through_day_14_and_lapses_on_day_15()
    {
        var start = new DateOnly(2026, 1, 10);
        var option = EnrollmentRules.NewOption(start);

        Assert.Equal(OptionStatus.AwaitingRegistration, EnrollmentRules.StatusOf(option, start));
        Assert.Equal(OptionStatus.AwaitingRegistration, EnrollmentRules.StatusOf(option, start.AddDays(14)));
        Assert.Equal(OptionStatus.LapsedUnregistered, EnrollmentRules.StatusOf(option, start.AddDays(15)));
        Assert.Equal(OptionStatus.LapsedUnregistered, EnrollmentRules.StatusOf(option, start.AddYears(2)));
    }

    [Fact]
    public void REG_1_a_registered_option_is_active_even_after_the_window()
    {
        var start = new DateOnly(2026, 1, 10);
        var option = EnrollmentRules.NewOption(start) with { Device = TestData.Device(), Registered = true };

        Assert.Equal(OptionStatus.Active, EnrollmentRules.StatusOf(option, start.AddDays(1)));
        Assert.Equal(OptionStatus.Active, EnrollmentRules.StatusOf(option, start.AddDays(15)));
        Assert.Equal(OptionStatus.Active, EnrollmentRules.StatusOf(option, start.AddYears(3)));
    }

    [Fact]
    public void ENR_3_a_terminated_option_stays_terminated_whether_it_was_registered_or_lapsed()
    {
        var start = new DateOnly(2026, 1, 10);
        var lapsed = EnrollmentRules.NewOption(start) with { TerminatedOn = new DateOnly(2026, 3, 1) };
        var registered = lapsed with { Device = TestData.Device(), Registered = true };

        Assert.Equal(OptionStatus.Terminated, EnrollmentRules.StatusOf(lapsed, new DateOnly(2026, 3, 2)));
        Assert.Equal(OptionStatus.Terminated, EnrollmentRules.StatusOf(registered, new DateOnly(2026, 3, 2)));
        Assert.Equal(OptionStatus.Terminated, EnrollmentRules.StatusOf(registered, new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void COV_7_an_option_with_a_termination_scheduled_in_the_future_is_still_active_until_that_date()
    {
        var start = new DateOnly(2026, 1, 10);
        var option = EnrollmentRules.NewOption(start) with
        {
            Device = TestData.Device(),
            Registered = true,
            TerminatedOn = new DateOnly(2026, 6, 30),
        };

        Assert.Equal(OptionStatus.Active, EnrollmentRules.StatusOf(option, new DateOnly(2026, 6, 10)));
        Assert.Equal(OptionStatus.Active, EnrollmentRules.StatusOf(option, new DateOnly(2026, 6, 29)));
        // Terminated from its date on, though coverage runs to the end of that date (COV-7).
        Assert.Equal(OptionStatus.Terminated, EnrollmentRules.StatusOf(option, new DateOnly(2026, 6, 30)));
    }

    [Fact]
    public void BIL_3_terminating_the_option_records_the_termination_date_and_keeps_the_rest()
    {
        var start = new DateOnly(2026, 1, 10);
        var line = TestData.LineWithDevice(start, TestData.Device());

        var result = EnrollmentRules.Terminate(line, new DateOnly(2026, 5, 3), today: new DateOnly(2026, 5, 1));

        Assert.True(result.IsSuccess);
        Assert.Equal(line.Option! with { TerminatedOn = new DateOnly(2026, 5, 3) }, result.Value);
    }

    [Fact]
    public void ENR_3_terminating_an_already_terminated_option_is_refused_with_option_not_active()
    {
        var line = TestData.LineWithDevice(new DateOnly(2026, 1, 10), TestData.Device(), terminatedOn: new DateOnly(2026, 4, 30));

        var result = EnrollmentRules.Terminate(line, new DateOnly(2026, 5, 3), today: new DateOnly(2026, 4, 30));

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Equal("option_not_active", result.Error.Code);
    }

    [Fact]
    public void ENR_3_a_scheduled_termination_can_be_moved_until_it_takes_effect()
    {
        var line = TestData.LineWithDevice(new DateOnly(2026, 1, 10), TestData.Device(), terminatedOn: new DateOnly(2026, 6, 30));

        var moved = EnrollmentRules.Terminate(line, new DateOnly(2026, 6, 20), today: new DateOnly(2026, 6, 10));
        var tooLate = EnrollmentRules.Terminate(line, new DateOnly(2026, 7, 20), today: new DateOnly(2026, 6, 30));

        Assert.Equal(new DateOnly(2026, 6, 20), moved.Value!.TerminatedOn);
        Assert.Equal("option_not_active", tooLate.Error!.Code);
    }

    [Fact]
    public void ENR_3_the_option_never_outlives_a_scheduled_cancellation_of_its_line()
    {
        var line = TestData.LineWithDevice(new DateOnly(2026, 1, 10), TestData.Device()) with { CancelledOn = new DateOnly(2026, 6, 30) };

        var result = EnrollmentRules.Terminate(line, new DateOnly(2026, 8, 1), today: new DateOnly(2026, 6, 10));

        Assert.Equal(new DateOnly(2026, 6, 30), result.Value!.TerminatedOn);
    }

    [Fact]
    public void ENR_3_a_lapsed_option_can_be_terminated()
    {
        var start = new DateOnly(2026, 1, 10);
        var line = TestData.LineWithOption(start);

        var result = EnrollmentRules.Terminate(line, new DateOnly(2026, 6, 15), today: new DateOnly(2026, 6, 1));

        Assert.True(result.IsSuccess);
        Assert.Equal(new DateOnly(2026, 6, 15), result.Value!.TerminatedOn);
        Assert.Equal(OptionStatus.Terminated, EnrollmentRules.StatusOf(result.Value, new DateOnly(2026, 6, 16)));
    }

    [Fact]
    public void Terminating_the_option_of_a_line_without_one_is_refused_with_no_option()
    {
        var line = TestData.LineWithoutOption(new DateOnly(2026, 1, 10));

        var result = EnrollmentRules.Terminate(line, new DateOnly(2026, 5, 3), today: new DateOnly(2026, 5, 1));

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Equal("no_option", result.Error.Code);
    }

    [Fact]
    public void A_termination_or_cancellation_date_may_be_the_service_start_date_but_not_the_day_before()
    {
        var start = new DateOnly(2026, 1, 10);
        var line = TestData.LineWithOption(start);

        Assert.Null(EnrollmentRules.CheckEndDate(line, start));
        Assert.Null(EnrollmentRules.CheckEndDate(line, start.AddYears(5)));
        var error = EnrollmentRules.CheckEndDate(line, start.AddDays(-1));
        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Equal("invalid_request", error.Code);
        Assert.True(error.Errors!.ContainsKey("date"));
    }

    [Fact]
    public void ENR_3_cancelling_the_line_terminates_a_running_option_on_the_same_date()
    {
        var option = EnrollmentRules.NewOption(new DateOnly(2026, 1, 10)) with { Device = TestData.Device(), Registered = true };

        var after = EnrollmentRules.OptionAfterCancellation(option, new DateOnly(2026, 8, 20));

        Assert.Equal(option with { TerminatedOn = new DateOnly(2026, 8, 20) }, after);
    }

    [Fact]
    public void ENR_3_cancelling_the_line_keeps_an_earlier_termination()
    {
        var option = EnrollmentRules.NewOption(new DateOnly(2026, 1, 10)) with { TerminatedOn = new DateOnly(2026, 5, 3) };

        var after = EnrollmentRules.OptionAfterCancellation(option, new DateOnly(2026, 8, 20));

        Assert.Equal(new DateOnly(2026, 5, 3), after!.TerminatedOn);
        Assert.Equal(option, after);
    }

    [Fact]
    public void ENR_3_cancelling_the_line_on_the_termination_date_keeps_that_date()
    {
        var option = EnrollmentRules.NewOption(new DateOnly(2026, 1, 10)) with { TerminatedOn = new DateOnly(2026, 5, 3) };

        var after = EnrollmentRules.OptionAfterCancellation(option, new DateOnly(2026, 5, 3));

        Assert.Equal(new DateOnly(2026, 5, 3), after!.TerminatedOn);
    }

    [Fact]
    public void ENR_3_cancelling_the_line_before_a_scheduled_later_termination_ends_the_option_with_the_line()
    {
        var option = EnrollmentRules.NewOption(new DateOnly(2026, 1, 10)) with { TerminatedOn = new DateOnly(2026, 9, 30) };

        var after = EnrollmentRules.OptionAfterCancellation(option, new DateOnly(2026, 8, 20));

        Assert.Equal(new DateOnly(2026, 8, 20), after!.TerminatedOn);
    }

    [Fact]
    public void ENR_3_cancelling_a_line_without_the_option_leaves_no_option()
    {
        Assert.Null(EnrollmentRules.OptionAfterCancellation(null, new DateOnly(2026, 8, 20)));
    }
}
