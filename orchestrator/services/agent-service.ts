// AgentService.Connect: the first message must be Register with our protocol version; then
// heartbeats, devices, accepts, rejects, progress and results flow until the stream ends.

import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { PROTOCOL_VERSION, type AgentMessage, type AgentServiceServer, type OrchestratorMessage } from '../../proto/index.js';
import type { Authenticator } from '../auth.js';
import type { AgentLink, Farm } from '../farm.js';
import { serviceError } from './errors.js';

export function agentService(farm: Farm, auth: Authenticator): AgentServiceServer {
  return {
    connect(call: ServerDuplexStream<AgentMessage, OrchestratorMessage>): void {
      const denied = auth.check(call.metadata, 'agent', call);
      if (denied !== null) {
        call.emit('error', denied);
        return;
      }
      let link: AgentLink | null = null;
      // Messages are handled strictly in order: a result must not overtake its accept.
      let queue: Promise<void> = Promise.resolve();
      const fail = (code: status, details: string): void => {
        call.emit('error', serviceError(code, details));
      };
      const handle = async (message: AgentMessage): Promise<void> => {
        const kind = message.kind;
        if (kind === undefined) return;
        if (link === null) {
          if (kind.$case !== 'register') return fail(status.FAILED_PRECONDITION, 'the first message on Connect must be Register');
          const reg = kind.value;
          if (reg.protocolVersion !== PROTOCOL_VERSION) {
            return fail(status.FAILED_PRECONDITION, `protocol version ${reg.protocolVersion} is not supported: this orchestrator speaks version ${PROTOCOL_VERSION}; upgrade the agent`);
          }
          if (reg.agentId === '') return fail(status.INVALID_ARGUMENT, 'Register.agent_id is empty');
          // One connection per agent id: a second one (two agents sharing an id) waits until
          // the first is gone, rather than the two taking turns.
          if (farm.agentAlive(reg.agentId)) {
            return fail(status.ALREADY_EXISTS, `agent id ${reg.agentId} is already connected; give each agent its own --id`);
          }
          // Two agents driving one device would break one-job-per-device; the later one waits.
          const clash = farm.conflictingAgent(reg.agentId, reg.devices.map((d) => d.id));
          if (clash !== null) {
            return fail(status.ALREADY_EXISTS, `device ${clash.deviceId} is already registered by connected agent ${clash.agentId}`);
          }
          link = {
            id: reg.agentId,
            devices: new Map(reg.devices.map((d) => [d.id, { ...d, agentId: reg.agentId }])),
            busy: new Map(),
            lastHeartbeatMs: Date.now(),
            send: (m) => {
              if (!call.writableEnded && !call.destroyed) call.write(m);
            },
            drop: (reason) => fail(status.UNAVAILABLE, reason),
          };
          link.send({ kind: { $case: 'registered', value: { protocolVersion: PROTOCOL_VERSION, heartbeatIntervalMs: farm.options.heartbeatIntervalMs, leaseMs: farm.options.leaseMs } } });
          await farm.attachAgent(link);
          auth.recordAction(call.metadata, call, 'register-agent', reg.agentId);
          return;
        }
        switch (kind.$case) {
          case 'register':
            return fail(status.FAILED_PRECONDITION, 'Register sent twice on one stream');
          case 'heartbeat':
            return farm.heartbeat(link, kind.value.busyDeviceIds);
          case 'devices':
            return farm.updateDevices(link, kind.value.devices);
          case 'accept':
            return;
          case 'reject':
            return farm.rejected(link, kind.value.jobId, kind.value.attempt, kind.value.reason);
          case 'progress':
            return farm.progress(kind.value.jobId, kind.value.phase);
          case 'result': {
            const accepted = await farm.result(link, kind.value);
            link.send({ kind: { $case: 'resultAck', value: { jobId: kind.value.jobId, attempt: kind.value.attempt, accepted } } });
            return;
          }
        }
      };
      call.on('data', (message: AgentMessage) => {
        queue = queue.then(() => handle(message)).catch((e: unknown) => fail(status.INTERNAL, (e as Error).message));
      });
      const close = (): void => {
        if (link !== null) farm.detachAgent(link);
      };
      call.on('end', () => {
        close();
        if (!call.writableEnded) call.end();
      });
      call.on('error', close);
      call.on('cancelled', close);
      call.on('close', close);
    },
  };
}
