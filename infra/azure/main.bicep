// Ingest.Functions on Azure: a Flex Consumption Function App (.NET 10 isolated) with a user-assigned
// managed identity (granted its roles before the site exists, so Key Vault references resolve on the first
// start), its storage (host state, deployment package, capture queue, poison queue, claim-check
// container), Application Insights, and a Key Vault holding every secret the app reads.
// Deploy: see infra/README.md. The DynamoDB table is on AWS: infra/aws/dynamodb.template.json.

targetScope = 'resourceGroup'

@description('Prefix of every resource name; lower-case letters and digits, 3 to 11 characters.')
@minLength(3)
@maxLength(11)
param name string

param location string = resourceGroup().location

@description('IANA time zone the dashboard\'s dates, months and shifts are computed in.')
param businessTimeZone string = 'America/New_York'

@description('Where facts and dimension rows go: PowerBi (a push dataset; Power BI stops creating those after 2027-10-31) or Eventhouse (a Fabric KQL database).')
@allowed(['PowerBi', 'Eventhouse'])
param sinkKind string = 'PowerBi'

@description('With sinkKind Eventhouse: the Eventhouse query URI (https://<id>.<region>.kusto.fabric.microsoft.com) or an Azure Data Explorer cluster URI.')
param eventhouseQueryUri string = ''

@description('With sinkKind Eventhouse: the KQL database.')
param eventhouseDatabase string = ''

@description('Power BI workspace (group) id that holds the push dataset (sinkKind PowerBi).')
param powerBiWorkspaceId string = ''

@description('Entra tenant of the Power BI service principal.')
param powerBiTenantId string = subscription().tenantId

@description('Application (client) id of the Power BI service principal (sinkKind PowerBi).')
param powerBiClientId string = ''

@description('AWS region of the DynamoDB state table.')
param awsRegion string = 'us-east-1'

@description('The DynamoDB state table (the CloudFormation stack\'s StateTableName output).')
param dynamoTableName string = 'IngestState'

@description('Aloware ring group whose members are the agents.')
param alowareRingGroupId string = ''

@description('Aloware user ids of the ring group\'s members, comma-separated (or use alowareMembersUrlTemplate).')
param alowareMemberIds string = ''

@description('A URL answering the ring group\'s members; {ringGroupId} and {apiToken} are filled in.')
param alowareMembersUrlTemplate string = ''

@description('Set when the app scales out: every instance then takes POSTs from one budget in DynamoDB.')
param sharedPushBudget bool = true

@description('Most instances Flex Consumption may run.')
param maximumInstanceCount int = 40

@description('Days a claim-check body (a delivery too large for a queue message) is kept if its delivery never settles; replay the poison queue well within this.')
@minValue(30)
param claimCheckRetentionDays int = 90

@secure()
@description('Admin signing secret, 16 characters or more (openssl rand -hex 32).')
param adminHmacSecret string

@secure()
@description('Optional second factor for admin calls, sent as X-Admin-Api-Key; empty for none.')
param adminApiKey string = ''

@description('CIDRs allowed to call the admin endpoints, comma-separated; empty for any.')
param adminIpAllowlist string = ''

@secure()
@description('The token typed into Aloware\'s webhook form.')
param alowareWebhookToken string

@secure()
@description('Aloware company API token for the DimAgent sync; empty to post members by hand.')
param alowareApiToken string = ''

@secure()
@description('The Power BI service principal\'s client secret; empty: the app\'s managed identity (or powerBiClientId\'s) reaches Power BI, or the sink is the Eventhouse.')
param powerBiClientSecret string = ''

@description('When the Power BI client secret expires (yyyy-MM-dd, as Entra shows it); Key Vault then alerts 30 days before. Empty: no expiry alert.')
param powerBiCredentialExpiresOn string = ''

@description('E-mail address the alerts are sent to.')
param alertEmail string

@description('Business hours without a fact landing before the "no countable delivery" alert fires.')
@minValue(1)
@maxValue(7)
param quietHoursAlert int = 2

@secure()
@description('HubSpot app client secret (signs webhook deliveries); empty leaves HubSpot off.')
param hubSpotClientSecret string = ''

@secure()
@description('HubSpot private app access token for CRM reads; required with hubSpotClientSecret.')
param hubSpotAccessToken string = ''

@secure()
param awsAccessKeyId string

@secure()
param awsSecretAccessKey string

var storageName = toLower('${name}${uniqueString(resourceGroup().id)}')
var packageContainer = 'app-package'
var vaultName = '${name}-kv-${uniqueString(resourceGroup().id)}'
var appName = '${name}-func-${uniqueString(resourceGroup().id)}'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: packageContainer
}

resource captures 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'ingest-captures'
}

// Settled deliveries delete their body at once; this removes what a failed delete or a never-settled delivery left.
resource claimCheckLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'claim-check-bodies'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ '${captures.name}/' ]
            }
            actions: {
              baseBlob: {
                delete: { daysAfterCreationGreaterThan: claimCheckRetentionDays }
              }
            }
          }
        }
      ]
    }
  }
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource captureQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: 'ingest-capture'
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: 'ingest-capture-poison'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take(vaultName, 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

var secrets = {
  'admin-hmac-secret': adminHmacSecret
  'admin-api-key': adminApiKey
  'aloware-webhook-token': alowareWebhookToken
  'aloware-api-token': alowareApiToken
  'powerbi-client-secret': powerBiClientSecret
  'hubspot-client-secret': hubSpotClientSecret
  'hubspot-access-token': hubSpotAccessToken
  'aws-access-key-id': awsAccessKeyId
  'aws-secret-access-key': awsSecretAccessKey
}

// Optional secrets left empty are not stored; their settings stay empty.
resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in filter(items(secrets), s => !empty(s.value)): {
  parent: vault
  name: secret.key
  properties: {
    value: secret.value
    attributes: secret.key == 'powerbi-client-secret' && !empty(powerBiCredentialExpiresOn) ? { exp: dateTimeToEpoch('${powerBiCredentialExpiresOn}T00:00:00Z') } : {}
  }
}]

module monitoring 'monitoring.bicep' = {
  name: '${name}-monitoring'
  params: {
    name: name
    location: location
    insightsId: insights.id
    alertEmail: alertEmail
    businessTimeZone: businessTimeZone
    quietHours: quietHoursAlert
    vaultId: vault.id
    secretExpiryKnown: !empty(powerBiCredentialExpiresOn)
  }
}

// An app setting that Key Vault fills in at run time; the app's identity reads it (role below).
func secretRef(vault string, secret string) string => '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

// Created first and granted its roles (below) before the site exists: a system-assigned identity is only
// granted after the site starts, and until the grant propagates every Key Vault reference stays a literal.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  dependsOn: [storageRoles, vaultRole, insightsRole]
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
    }
  }
}

// The app settings, applied once the site exists: the HubSpot URL needs its real host name (Flex Consumption
// may give a unique one, not <name>.azurewebsites.net). One entry per line: SettingsAgreementTests reads the names.
var appSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identity.properties.clientId}' }
  { name: 'ALOWARE_WEBHOOK_TOKEN', value: secretRef(vault.name, 'aloware-webhook-token') }
  { name: 'BUSINESS_TIME_ZONE', value: businessTimeZone }
  { name: 'ADMIN_HMAC_SECRET', value: secretRef(vault.name, 'admin-hmac-secret') }
  { name: 'ADMIN_API_KEY', value: empty(adminApiKey) ? '' : secretRef(vault.name, 'admin-api-key') }
  { name: 'ADMIN_IP_ALLOWLIST', value: adminIpAllowlist }
  { name: 'Admin__TrustedProxies', value: '127.0.0.1/32,::1/128' }
  { name: 'Admin__Tolerance', value: '00:05:00' }
  { name: 'Admin__RecoveryDeadline', value: '00:03:20' }
  { name: 'Admin__TableLockLease', value: '00:05:00' }
  { name: 'Admin__MaxBackfillBytes', value: '52428800' }
  { name: 'Aloware__BaseUrl', value: 'https://app.aloware.com' }
  { name: 'Aloware__ApiToken', value: empty(alowareApiToken) ? '' : secretRef(vault.name, 'aloware-api-token') }
  { name: 'Aloware__RingGroupId', value: alowareRingGroupId }
  { name: 'Aloware__MemberIds', value: alowareMemberIds }
  { name: 'Aloware__MembersUrlTemplate', value: alowareMembersUrlTemplate }
  { name: 'Aloware__DimAgentSyncSchedule', value: '0 0 6 * * *' }
  { name: 'Aloware__ExportTimeZone', value: businessTimeZone }
  { name: 'HUBSPOT_CLIENT_SECRET', value: empty(hubSpotClientSecret) ? '' : secretRef(vault.name, 'hubspot-client-secret') }
  { name: 'HUBSPOT_WEBHOOK_URL', value: empty(hubSpotClientSecret) ? '' : 'https://${app.properties.defaultHostName}/api/webhook/hubspot' }
  { name: 'HUBSPOT_ACCESS_TOKEN', value: empty(hubSpotAccessToken) ? '' : secretRef(vault.name, 'hubspot-access-token') }
  { name: 'HUBSPOT_API_BASE_URL', value: 'https://api.hubapi.com' }
  { name: 'HubSpot__AllowLegacySignatures', value: 'false' }
  { name: 'HubSpot__MaxRequestsPer10Seconds', value: '80' }
  { name: 'HubSpot__CacheDuration', value: '00:10:00' }
  { name: 'HubSpot__ReconcileSchedule', value: '0 30 5 * * *' }
  { name: 'HubSpot__SearchRequestsPerSecond', value: '4' }
  { name: 'Metrics__EmailsSource', value: '' }
  { name: 'Webhook__MaxBodyBytes', value: '262144' }
  { name: 'Webhook__ProcessingDeadline', value: '00:01:00' }
  { name: 'Ledger__LeaseDuration', value: '00:03:00' }
  { name: 'Ledger__Retention', value: '35.00:00:00' }
  { name: 'Capture__Backend', value: 'StorageQueue' }
  { name: 'Capture__BlobContainer', value: captures.name }
  { name: 'Capture__ClaimCheckRetention', value: '${claimCheckRetentionDays}.00:00:00' }
  { name: 'Capture__Deadline', value: '00:00:30' }
  { name: 'Capture__RedriveDelay', value: '00:00:30' }
  { name: 'Capture__VisibilityTimeout', value: '00:00:30' }
  { name: 'Capture__MaxDequeueCount', value: '5' }
  { name: 'PowerBi__BaseUrl', value: 'https://api.powerbi.com/' }
  { name: 'PowerBi__WorkspaceId', value: powerBiWorkspaceId }
  { name: 'PowerBi__DatasetName', value: 'Ingest' }
  { name: 'PowerBi__RetentionPolicy', value: 'None' }
  { name: 'PowerBi__Authentication', value: 'Entra' }
  { name: 'PowerBi__TenantId', value: powerBiTenantId }
  { name: 'PowerBi__ClientId', value: powerBiClientId }
  { name: 'PowerBi__ClientSecret', value: empty(powerBiClientSecret) ? '' : secretRef(vault.name, 'powerbi-client-secret') }
  { name: 'PowerBi__Writer__FlushWindow', value: '00:00:00.250' }
  { name: 'PowerBi__Writer__MaxRowsPerPost', value: '10000' }
  { name: 'PowerBi__Writer__MaxBytesPerPost', value: '8388608' }
  { name: 'PowerBi__Writer__MaxPendingPosts', value: '5' }
  { name: 'PowerBi__Writer__MaxPostsPerMinute', value: '120' }
  { name: 'PowerBi__Writer__MaxRowsPerHour', value: '1000000' }
  { name: 'PowerBi__Writer__LargeTableRows', value: '250000' }
  { name: 'PowerBi__Writer__MaxPostsPerHourWhenLarge', value: '120' }
  { name: 'PowerBi__Writer__MaxQueuedRows', value: '50000' }
  { name: 'PowerBi__Writer__MaxAttempts', value: '4' }
  { name: 'PowerBi__Writer__MaxRetryAfter', value: '00:01:00' }
  { name: 'PowerBi__Writer__BreakerFailures', value: '5' }
  { name: 'PowerBi__Writer__BreakerOpenFor', value: '00:00:30' }
  { name: 'PowerBi__Writer__SharedBudget', value: string(sharedPushBudget) }
  { name: 'Sink__Kind', value: sinkKind }
  { name: 'Eventhouse__QueryUri', value: eventhouseQueryUri }
  { name: 'Eventhouse__Database', value: eventhouseDatabase }
  { name: 'Eventhouse__Authentication', value: 'Entra' }
  { name: 'Eventhouse__Scope', value: 'https://kusto.kusto.windows.net/.default' }
  { name: 'Eventhouse__Bootstrap', value: 'false' }
  { name: 'Eventhouse__Writer__FlushWindow', value: '00:00:00.250' }
  { name: 'Eventhouse__Writer__MaxRowsPerRequest', value: '10000' }
  { name: 'Eventhouse__Writer__MaxBytesPerRequest', value: '4000000' }
  { name: 'Eventhouse__Writer__MaxConcurrentRequests', value: '4' }
  { name: 'Eventhouse__Writer__MaxQueuedRows', value: '50000' }
  { name: 'Eventhouse__Writer__MaxAttempts', value: '4' }
  { name: 'Eventhouse__Writer__MaxRetryAfter', value: '00:00:30' }
  { name: 'Eventhouse__Writer__BreakerFailures', value: '5' }
  { name: 'Eventhouse__Writer__BreakerOpenFor', value: '00:00:30' }
  { name: 'DynamoDb__Enabled', value: 'true' }
  { name: 'DynamoDb__AllowInMemory', value: 'false' }
  { name: 'DynamoDb__Region', value: awsRegion }
  { name: 'DynamoDb__TableName', value: dynamoTableName }
  { name: 'DynamoDb__RosterCacheDuration', value: '00:00:30' }
  { name: 'DynamoDb__QuarantineRetention', value: '30.00:00:00' }
  { name: 'DynamoDb__RequestTimeout', value: '00:00:05' }
  { name: 'DynamoDb__MaxErrorRetry', value: '2' }
  { name: 'AWS_ACCESS_KEY_ID', value: secretRef(vault.name, 'aws-access-key-id') }
  { name: 'AWS_SECRET_ACCESS_KEY', value: secretRef(vault.name, 'aws-secret-access-key') }
  { name: 'Logging__Level', value: 'Information' }
  { name: 'Logging__Format', value: 'json' }
]

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: toObject(appSettings, setting => setting.name, setting => setting.value)
}

// What the app's identity may do, and nothing more.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

output functionAppName string = app.name
output webhookUrl string = 'https://${app.properties.defaultHostName}/api/webhook/aloware'
output adminBaseUrl string = 'https://${app.properties.defaultHostName}'
output storageAccountName string = storage.name
output keyVaultName string = vault.name
output principalId string = identity.properties.principalId
output hubSpotWebhookUrl string = 'https://${app.properties.defaultHostName}/api/webhook/hubspot'
