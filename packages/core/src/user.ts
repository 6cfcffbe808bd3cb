import { userInfo } from 'node:os';

/**
 * The current user's short name as Hadoop's UserGroupInformation gives it with simple authentication:
 * HADOOP_USER_NAME when set, else the operating system's login name. Object stores show it as the owner
 * and group of every path (hadoop-aliyun, S3A), having no owners of their own.
 */
export function currentUserName(): string {
  const fromEnv = process.env['HADOOP_USER_NAME']?.trim();
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (a container): Hadoop would fail to log in; the uid is still a name.
    return String(process.getuid?.() ?? 'unknown');
  }
}
