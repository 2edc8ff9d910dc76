import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { registerMailJob } from '../mail/send.js';
import { mailTransport } from '../mail/transport.js';
import { registerNotificationJobs } from '../notifications/email.js';

/**
 * Registers every kind of job this process can run (the server's in-process worker and `npm run worker` both
 * call it before starting a worker). A new kind of job is registered here.
 */
export function registerJobs(config: Config, logger: Logger): void {
  registerMailJob({
    transport: mailTransport(config.smtpUrl),
    from: config.mailFrom,
    baseUrl: config.baseUrl,
    logger,
  });
  registerNotificationJobs({ baseUrl: config.baseUrl });
}
