import { connectSessionBus, sessionBusAddress, SessionBusConnection } from './session-bus';

/** What a program started for the person at the desktop needs to reach it. */
const DESKTOP_VARIABLES = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'XDG_CURRENT_DESKTOP',
  'XDG_SESSION_TYPE',
  'XDG_SESSION_DESKTOP',
  'DESKTOP_SESSION',
];
const CALL_TIMEOUT_MS = 3000;

export type BusOpener = (address: string) => Promise<SessionBusConnection>;

/**
 * The environment for a program the receiver starts on the desktop (xdg-open). Run as a system service, the receiver
 * has the desktop user's session bus but not their display: desktop sessions hand DISPLAY, WAYLAND_DISPLAY and the
 * like to the user's systemd manager, whose `Environment` is read over that bus. Without either, the receiver's own.
 */
export async function desktopEnvironment(
  env: NodeJS.ProcessEnv,
  uid: number,
  connect: BusOpener = (address) => connectSessionBus(address),
  exists?: (path: string) => boolean,
): Promise<NodeJS.ProcessEnv> {
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return env;
  let bus: SessionBusConnection | null = null;
  try {
    const address = sessionBusAddress(env, uid, exists);
    bus = await connect(address);
    const [variant] = await bus.call(
      {
        destination: 'org.freedesktop.systemd1',
        path: '/org/freedesktop/systemd1',
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: ['org.freedesktop.systemd1.Manager', 'Environment'],
      },
      CALL_TIMEOUT_MS,
    );
    const imported: NodeJS.ProcessEnv = {};
    for (const entry of variantStrings(variant)) {
      const eq = entry.indexOf('=');
      const name = entry.slice(0, eq);
      if (eq > 0 && DESKTOP_VARIABLES.includes(name)) imported[name] = entry.slice(eq + 1);
    }
    return { DBUS_SESSION_BUS_ADDRESS: address, ...imported, ...env };
  } catch {
    return env;
  } finally {
    bus?.close();
  }
}

/** A D-Bus variant `as` as @homebridge/dbus-native decodes it: `[signature, [value]]`. */
function variantStrings(variant: unknown): string[] {
  const value = Array.isArray(variant) && Array.isArray(variant[1]) ? (variant[1] as unknown[])[0] : null;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
