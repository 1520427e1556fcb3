using NetnsPolicy.Cli;

return await CliAction.InvokeAsync(CliCommands.CreateRoot(), args).ConfigureAwait(false);
