using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Ingest.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
