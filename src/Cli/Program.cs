using NetnsPolicy.Cli;

StartupTimings.Mark("main");
return await CliAction.InvokeAsync(CliCommands.CreateRoot(args), args).ConfigureAwait(false);
