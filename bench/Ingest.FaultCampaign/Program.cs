using Ingest.FaultCampaign;

// dotnet run -c Release --project bench/Ingest.FaultCampaign -- --hosts 2 --minutes 15 --seed 1
CampaignOptions options;
try
{
    options = CampaignOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var report = await new Campaign(options, Console.Out).RunAsync();
Console.WriteLine(report.Describe());
return report.Passed ? 0 : 1;
