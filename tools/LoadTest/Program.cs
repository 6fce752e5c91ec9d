using Warranty.LoadTest.Cli;

// Parses the command line and dispatches; the work is in Seeding/, Load/, Reporting/ and Baseline/.
return await Commands.MainAsync(args);
