using L402Train.Bench.Model;

return QuickBench.Run(args);
