using System.Collections;
using Ingest.AdminCli;

var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value);
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
return await new AdminCommand(environment, http, Console.Out, Console.Error).RunAsync(args);
