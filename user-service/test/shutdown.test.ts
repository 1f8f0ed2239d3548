import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase, startServiceUnderTest, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { userDatabase } from '../src/data-access/database';
import { service as userService } from '../src/service';
import { buildRegistration, GATEWAY_TOKEN, JWT_SECRET, SERVICE_TOKEN, TEST_ENV } from './test-app';

describe('graceful shutdown', () => {
  test('When shutdown starts during a request, then that request finishes and new connections are refused', async () => {
    // A costly scrypt makes login take long enough to be in flight when shutdown begins.
    const sut = await startServiceUnderTest(userService, { ...TEST_ENV, PASSWORD_SCRYPT_N: '32768', PASSWORD_SCRYPT_P: '4' });
    const { service } = sut;
    const base = sut.url;
    const registration = buildRegistration();
    await request(base).post('/users').send(registration).expect(201);

    const arrived = new Promise<void>((resolve) => service.server.on('request', (req) => req.url === '/auth/login' && resolve()));
    const inFlight = request(base).post('/auth/login').send({ email: registration.email, password: registration.password });
    const response = new Promise<request.Response>((resolve, reject) => inFlight.then(resolve, reject));
    // The login has reached the server (its costly hash outlasts what follows) when shutdown starts.
    await arrived;
    const stopped = service.shutdown.run();

    expect((await response).status).toBe(200);
    await stopped;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    await sut.stop();
  });

  test('When the process gets SIGTERM, then it exits 0; with a bad config it exits 1 naming the variable', async () => {
    const main = path.join(__dirname, '../dist/main.js');
    const databaseUrl = await createTestDatabase('user_service_sigterm', userDatabase);
    const env = { ...process.env, PORT: '0', DATABASE_URL: databaseUrl, JWT_SECRET, GATEWAY_TOKEN, SERVICE_TOKEN, LOG_LEVEL: 'info' };

    const good = spawn(process.execPath, [main], { env });
    let output = '';
    good.stdout.on('data', (chunk) => (output += chunk));
    await waitFor(() => output.includes('Service started'), { timeoutMs: 10_000, what: 'the service to start' });
    good.kill('SIGTERM');
    const [goodCode] = await onExit(good);

    const bad = spawn(process.execPath, [main], { env: { ...env, JWT_SECRET: '' } });
    let errors = '';
    bad.stderr.on('data', (chunk) => (errors += chunk));
    const [badCode] = await onExit(bad);

    await dropTestDatabase(databaseUrl);
    expect(goodCode).toBe(0);
    expect(output).toContain('Shutting down');
    expect(badCode).toBe(1);
    expect(errors.trim()).toMatch(/^user-service: Invalid configuration: JWT_SECRET: .+$/);
  });
});

function onExit(child: ReturnType<typeof spawn>): Promise<[number | null]> {
  return new Promise((resolve) => child.on('exit', (code) => resolve([code])));
}
