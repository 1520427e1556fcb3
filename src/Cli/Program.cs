using System.CommandLine;
using NetnsPolicy.Cli;

var root = new RootCommand("netns-policy: simulate Linux netns teardown policies and compare them.");
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ProbeCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
