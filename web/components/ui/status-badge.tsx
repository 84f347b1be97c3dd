"use client";
import { DICTS, type Key } from "@/lib/i18n";
import { useI18n } from "../providers";

/** StatusBadge shows a node's pipeline status. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status_${status}` as Key;
  return <span className={`badge ${status}`}>{key in DICTS.ko ? t(key) : t("enum_other")}</span>;
}
