using L402Train.Bench.Grains;

// Quick mode (the only mode): prints one name=value line per figure, in well under a minute.
var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault()
    ?? Environment.GetEnvironmentVariable("L402TRAIN_TEST_POSTGRES");
var seconds = args.Contains("--quick") ? 2.0 : 5.0;
return await GrainFigures.RunAsync(postgres, TimeSpan.FromSeconds(seconds), Console.Out);
