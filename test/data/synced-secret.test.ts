import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { RedisCache, ReliakitApp, SecretStore, SyncedSecret, SystemChart } from '../../lib';
import { find, synth, testChart } from '../support/synth';

describe('SyncedSecret', () => {
  test('an ExternalSecret from a ClusterSecretStore; the Secret outlives it; typed references', () => {
    const chart = testChart();
    const secret = new SyncedSecret(chart, 'supabase', {
      store: SecretStore.cluster('vault'),
      keys: { url: { key: 'test/supabase', property: 'url' }, 'api-key': { key: 'test/supabase', property: 'key' } },
    });
    const objects = synth(chart);
    expect(find(objects, 'ExternalSecret', 'test-supabase').spec).toEqual({
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      refreshInterval: '1h',
      target: { name: 'test-supabase', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        { secretKey: 'url', remoteRef: { key: 'test/supabase', property: 'url' } },
        { secretKey: 'api-key', remoteRef: { key: 'test/supabase', property: 'key' } },
      ],
    });
    expect(secret.key('api-key')).toEqual({ name: 'test-supabase', key: 'api-key' });
    expect(() => secret.key('password')).toThrow("prod/test/supabase: key 'password' is not synced (keys: url, api-key) — add it to keys");
  });

  test('a namespaced store, a custom name and refresh', () => {
    const chart = testChart();
    new SyncedSecret(chart, 'minio', {
      store: SecretStore.namespaced('aws'),
      secretName: 'minio-credentials',
      keys: { 'access-key': { key: 'minio/ak' } },
      refreshInterval: Duration.minutes(15),
    });
    expect(find(synth(chart), 'ExternalSecret', 'minio-credentials').spec).toMatchObject({
      secretStoreRef: { kind: 'SecretStore', name: 'aws' },
      refreshInterval: '15m',
    });
  });

  test('is applied with the data layer when the system has one, else with the apps', () => {
    const lonely = testChart();
    new SyncedSecret(lonely, 'token', { store: SecretStore.cluster('vault'), keys: { token: { key: 't' } } });
    const layerOf = (chart: SystemChart) =>
      Object.fromEntries(
        ReliakitApp.of(chart)
          .render()
          .filter((d) => d.chart === chart)
          .flatMap((d) =>
            d.files.flatMap((f) => f.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => [o.metadata.name, d.path])),
          ),
      );
    expect(layerOf(lonely)).toEqual({ 'test-token': 'apps/prod/test' });

    // The Redis password is read by the data layer's StatefulSet: it must exist before the apps.
    const chart = testChart();
    const password = new SyncedSecret(chart, 'redis-password', {
      store: SecretStore.cluster('vault'),
      keys: { password: { key: 'redis' } },
    });
    new RedisCache(chart, 'redis', {
      image: 'redis:7.4.1-alpine',
      singleInstance: true,
      password: password.key('password'),
      resources: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
    });
    expect(layerOf(chart)).toEqual({ 'test-redis-password': 'apps/prod/test-data' });
  });

  test('propertiesOf: properties of one store entry, each under its own Secret key', () => {
    expect(SyncedSecret.propertiesOf('shop/prod/db', 'user', 'password')).toEqual({
      user: { key: 'shop/prod/db', property: 'user' },
      password: { key: 'shop/prod/db', property: 'password' },
    });
  });

  test('validation', () => {
    expect(
      () => new SyncedSecret(testChart(), 'x', { store: SecretStore.cluster('vault'), keys: {}, refreshInterval: Duration.seconds(10) }),
    ).toThrow(
      [
        'prod/test/x: 2 invalid settings',
        "  - prod/test/x: 'keys' ({}) is empty — list the Secret keys and their remote references",
        "  - prod/test/x: 'refreshInterval' ('10s') is not whole seconds of at least a minute — use e.g. Duration.hours(1)",
      ].join('\n'),
    );
    expect(() => new SyncedSecret(testChart(), 'x', { store: SecretStore.cluster('vault'), keys: { 'a/b': { key: ' ' } } })).toThrow(
      [
        'prod/test/x: 2 invalid settings',
        "  - prod/test/x: 'keys.a/b' ('a/b') is not a valid Secret key — use letters, digits, -, _ and .",
        "  - prod/test/x: 'keys.a/b.key' (' ') is empty — give the secret path in the store",
      ].join('\n'),
    );
    expect(
      () => new SyncedSecret(testChart(), 'x', { store: SecretStore.cluster('vault'), secretName: 'Bad_Name', keys: { a: { key: 'k' } } }),
    ).toThrow("prod/test/x: 'secretName' ('Bad_Name') is not a valid Secret name — use lowercase letters, digits and dashes");
  });
});
