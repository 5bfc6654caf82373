using System.Runtime.InteropServices;
using CrisisOps.Cli;

// The first Ctrl+C asks the running command to stop (journal tail --follow ends cleanly);
// a second one terminates the process as usual.
using var interrupted = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
{
    if (!interrupted.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupted.Cancel();
    }
});

return await CliApp.RunAsync(args, CliEnvironment.FromConsole(), interrupted.Token);
