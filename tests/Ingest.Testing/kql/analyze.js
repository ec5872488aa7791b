// Parses and analyzes KQL (queries and control commands) with Microsoft's Kusto.Language (npm
// @kusto/language-service-next) against the tables they read: the Application Insights tables, or those of a
// database described in a third file ({"name": ..., "tables": {"T": {"Column": "type"}}}); prints every diagnostic
// (syntax and semantic) as JSON.
//   node analyze.js <folder holding node_modules/@kusto/language-service-next> <file: a JSON array of texts> [<database file>]
// Prints a JSON array with, per query in order, an array of {code, severity, message, start, length}.
'use strict';

const fs = require('fs');
const path = require('path');

const [packageRoot, queriesFile, databaseFile] = process.argv.slice(2);
if (!packageRoot || !queriesFile) {
    process.stderr.write('usage: node analyze.js <package folder> <queries.json>\n');
    process.exit(2);
}

const library = path.join(packageRoot, 'node_modules', '@kusto', 'language-service-next');
// The Bridge.NET runtime defines the global Bridge and System the library is compiled against.
require(path.join(library, 'bridge.js'));
require(path.join(library, 'Kusto.Language.Bridge.js'));

const Language = global.Kusto.Language;
const Symbols = Language.Symbols;
const types = {
    string: Symbols.ScalarTypes.String,
    datetime: Symbols.ScalarTypes.DateTime,
    real: Symbols.ScalarTypes.Real,
    int: Symbols.ScalarTypes.Int,
    long: Symbols.ScalarTypes.Long,
    bool: Symbols.ScalarTypes.Bool,
    dynamic: Symbols.ScalarTypes.Dynamic,
};

// The columns every Application Insights table has when queried on the Application Insights resource (the
// classic names the alerts' scope exposes; docs: learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource).
const common = {
    timestamp: 'datetime', customDimensions: 'dynamic',
    operation_Name: 'string', operation_Id: 'string', operation_ParentId: 'string', operation_SyntheticSource: 'string',
    session_Id: 'string', user_Id: 'string', user_AuthenticatedId: 'string', user_AccountId: 'string',
    application_Version: 'string', client_Type: 'string', client_Model: 'string', client_OS: 'string', client_IP: 'string',
    client_City: 'string', client_StateOrProvince: 'string', client_CountryOrRegion: 'string', client_Browser: 'string',
    cloud_RoleName: 'string', cloud_RoleInstance: 'string', appId: 'string', appName: 'string', iKey: 'string',
    sdkVersion: 'string', itemId: 'string', itemType: 'string',
};

const tables = {
    customMetrics: {
        name: 'string', value: 'real', valueCount: 'int', valueSum: 'real', valueMin: 'real', valueMax: 'real', valueStdDev: 'real',
    },
    traces: { message: 'string', severityLevel: 'int', customMeasurements: 'dynamic', itemCount: 'int' },
    requests: {
        id: 'string', name: 'string', url: 'string', success: 'bool', resultCode: 'string', duration: 'real',
        performanceBucket: 'string', source: 'string', customMeasurements: 'dynamic', itemCount: 'int',
    },
    dependencies: {
        id: 'string', target: 'string', type: 'string', name: 'string', data: 'string', success: 'bool', resultCode: 'string',
        duration: 'real', performanceBucket: 'string', customMeasurements: 'dynamic', itemCount: 'int',
    },
    exceptions: {
        problemId: 'string', handledAt: 'string', type: 'string', message: 'string', assembly: 'string', method: 'string',
        outerType: 'string', outerMessage: 'string', outerAssembly: 'string', outerMethod: 'string', innermostType: 'string',
        innermostMessage: 'string', innermostAssembly: 'string', innermostMethod: 'string', severityLevel: 'int',
        details: 'dynamic', customMeasurements: 'dynamic', itemCount: 'int',
    },
    customEvents: { name: 'string', customMeasurements: 'dynamic', itemCount: 'int' },
};

function table(name, own, shared) {
    const columns = Object.entries({ ...shared, ...own })
        .map(([column, type]) => new Symbols.ColumnSymbol(column, types[type], null, null, null, null));
    return new Symbols.TableSymbol.$ctor4(name, columns);
}

const described = databaseFile ? JSON.parse(fs.readFileSync(databaseFile, 'utf8')) : null;
const database = described
    ? new Symbols.DatabaseSymbol.$ctor2(described.name, null, Object.entries(described.tables).map(([name, own]) => table(name, own, {})))
    : new Symbols.DatabaseSymbol.$ctor2('ApplicationInsights', null, Object.entries(tables).map(([name, own]) => table(name, own, common)));
const globals = Language.GlobalState.Default.WithDatabase(database);

const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
const results = queries.map(text => {
    const code = Language.KustoCode.ParseAndAnalyze(text, globals);
    // GetDiagnostics answers a Bridge.NET list: toArray gives a plain array.
    return Bridge.toArray(code.GetDiagnostics()).map(d => ({
        code: d.Code, severity: d.Severity, message: d.Message, start: d.Start, length: d.Length,
    }));
});
process.stdout.write(JSON.stringify(results));
