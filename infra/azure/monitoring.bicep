// Alerts that fire before the dashboard is wrong, and a workbook of the pipeline. Every query reads the product's
// metrics (meter Ingest.Functions) from Application Insights' customMetrics; docs/operations.md has the runbook
// entry of each alert. A test in the repository holds every metric name and dimension queried here to the code.

param name string
param location string

@description('Application Insights the app exports its metrics to.')
param insightsId string

@description('E-mail address the action group notifies.')
param alertEmail string

@description('IANA time zone of the business hours the "no deliveries" alert watches.')
param businessTimeZone string

@description('Business hours (09:00-17:00, Monday to Friday) without a fact landing before the "no deliveries" alert fires.')
@minValue(1)
@maxValue(7)
param quietHours int

@description('Opens of Power BI\'s circuit on one instance within 10 minutes taken for blips; one more raises the circuit alert. Each open lasts PowerBi__Writer__BreakerOpenFor (30 s) and a failed trial opens it again, so an outage opens it about every 35 s (every 2.5 minutes when each POST times out).')
@minValue(1)
param circuitOpensTolerated int = 2

@description('Key Vault holding the Power BI client secret; its SecretNearExpiry event raises an alert.')
param vaultId string

@description('Whether the Power BI client secret was stored with an expiry date (only then can Key Vault warn of it).')
param secretExpiryKnown bool

resource opsGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-ops'
  location: 'global'
  properties: {
    groupShortName: take('${name}ops', 12)
    enabled: true
    emailReceivers: [
      { name: 'ops', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

// Each query answers one row with a column "value"; the rule fires when it is above the threshold. An alert whose
// cause waits for someone (a poisoned delivery, a failed daily run) does not resolve itself: autoMitigate false.
var alerts = [
  {
    key: 'refused'
    title: 'Deliveries refused 401'
    description: 'Aloware or HubSpot deliveries were refused 401: the token in Aloware\'s webhook form (or the HubSpot secret) is out of step with the app. Aloware never retries: see docs/operations.md, "Deliveries refused 401".'
    severity: 1
    window: 'PT15M'
    frequency: 'PT5M'
    autoMitigate: true
    threshold: 0
    query: 'customMetrics | where name == "ingest.deliveries" and tostring(customDimensions.status) == "refused" | summarize value = sum(valueSum)'
  }
  {
    key: 'unavailable'
    title: 'Capture answering 503'
    description: 'Deliveries were answered 503 because the capture store (Storage queue or blob) could not keep them. See docs/operations.md, "Capture answering 503".'
    severity: 1
    window: 'PT15M'
    frequency: 'PT5M'
    autoMitigate: true
    threshold: 0
    query: 'customMetrics | where name == "ingest.deliveries" and tostring(customDimensions.status) == "unavailable" | summarize value = sum(valueSum)'
  }
  {
    key: 'quiet'
    title: 'No countable delivery in business hours'
    description: 'No fact landed for ${quietHours} business hour(s): a webhook disabled in Aloware\'s form, a paused HubSpot subscription, or the app down. See docs/operations.md, "No countable delivery".'
    severity: 2
    window: 'PT${quietHours}H'
    frequency: 'PT30M'
    autoMitigate: true
    threshold: 0
    query: 'let landed = toscalar(customMetrics | where timestamp > ago(${quietHours}h) and name == "ingest.facts.posted" | summarize sum(valueSum)); let local = datetime_utc_to_local(now(), "${businessTimeZone}"); let open = dayofweek(local) between (1d .. 5d) and hourofday(local) between (9 .. 16) and hourofday(datetime_utc_to_local(ago(${quietHours}h), "${businessTimeZone}")) >= 9; print value = iff(open and coalesce(landed, 0.0) == 0.0, 1, 0)'
  }
  {
    key: 'poisoned'
    title: 'Deliveries moved to the poison queue'
    description: 'A captured delivery failed every redrive attempt and waits in the poison queue until an admin replays it. See docs/operations.md, "The poison queue is not empty".'
    severity: 1
    window: 'PT15M'
    frequency: 'PT5M'
    autoMitigate: false
    threshold: 0
    query: 'customMetrics | where name == "ingest.poisoned" | summarize value = sum(valueSum)'
  }
  {
    key: 'reconcile'
    title: 'Daily reconciliation failed'
    description: 'The daily HubSpot reconciliation of the previous business day failed: facts its webhooks never delivered stay missing until it is run again. See docs/operations.md, "Daily reconciliation failed".'
    severity: 2
    window: 'PT15M'
    frequency: 'PT5M'
    autoMitigate: false
    threshold: 0
    query: 'customMetrics | where name == "ingest.reconcile.failed" | summarize value = sum(valueSum)'
  }
  {
    key: 'circuit'
    title: 'Sink circuit keeps opening'
    description: 'An instance\'s circuit to its sink (Power BI or the Eventhouse) opened more than ${circuitOpensTolerated} times in 10 minutes: each trial write after an open failed, so the sink is down or refusing the app (deliveries are captured and postponed). See docs/operations.md, "Sink circuit keeps opening".'
    severity: 2
    window: 'PT10M'
    frequency: 'PT5M'
    autoMitigate: true
    threshold: circuitOpensTolerated
    query: 'customMetrics | where name in ("powerbi.circuit.opened", "eventhouse.circuit.opened") | summarize opens = sum(valueSum) by cloud_RoleInstance | summarize value = max(opens)'
  }
  {
    key: 'gated'
    title: 'Quarantine growing'
    description: 'Facts of agents not on the roster were quarantined in the last hour: someone new takes calls. See docs/operations.md, "Quarantine growing".'
    severity: 3
    window: 'PT1H'
    frequency: 'PT1H'
    autoMitigate: true
    threshold: 0
    query: 'customMetrics | where name == "ingest.gated" | summarize value = sum(valueSum)'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in alerts: {
  name: '${name}-${alert.key}'
  location: location
  properties: {
    displayName: '${name}: ${alert.title}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [ insightsId ]
    evaluationFrequency: alert.frequency
    windowSize: alert.window
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'value'
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: alert.autoMitigate
    actions: { actionGroups: [ opsGroup.id ] }
  }
}]

// Key Vault raises SecretNearExpiry 30 days before a secret's expiry date: an alert through the same group.
resource vaultEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = if (secretExpiryKnown) {
  name: '${name}-vault-events'
  location: location
  properties: {
    source: vaultId
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

resource secretExpiry 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (secretExpiryKnown) {
  parent: vaultEvents
  name: 'secret-near-expiry'
  properties: {
    filter: { includedEventTypes: [ 'Microsoft.KeyVault.SecretNearExpiry', 'Microsoft.KeyVault.SecretExpired' ] }
    destination: {
      endpointType: 'MonitorAlert'
      properties: {
        severity: 'Sev1'
        description: 'A Key Vault secret (the Power BI service principal\'s) expires within 30 days or has expired. See docs/operations.md, "A secret near expiry".'
        actionGroups: [ opsGroup.id ]
      }
    }
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, name, 'ingest-workbook')
  location: location
  kind: 'shared'
  properties: {
    displayName: '${name}: Ingest pipeline'
    category: 'workbook'
    sourceId: insightsId
    serializedData: loadTextContent('workbook.json')
  }
}

output actionGroupId string = opsGroup.id
