"""AttachmentRepository on DynamoDB.

Keys: in the owner's partition pk = USER#<user_id>, sk = ATT#<note_id>#<attachment_id> (outside every index:
they carry no updated_sk/deleted_sk), and the usage counter sk = ATTUSAGE (`bytes`). Confirming an upload is
one TransactWriteItems: the attachment pending -> ready, and the usage raised only if it stays within the
quota; so a user at the quota gets a rejected upload, never a file counted half.
"""

from __future__ import annotations

from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed
from console.aws.table_keys import note_sk, user_pk
from notes.attachments import (
    PENDING,
    READY,
    REJECTED,
    Attachment,
    AttachmentNotFound,
    QuotaExceeded,
)
from notes.dynamodb_items import THUMBNAIL_ID

ATTACHMENT_PREFIX = table_keys.ATT
USAGE_SK = "ATTUSAGE"


def attachment_sk(note_id: str, attachment_id: str) -> str:
    return f"{ATTACHMENT_PREFIX}{note_id}#{attachment_id}"


def _key(user_id: str, note_id: str, attachment_id: str) -> dict[str, Any]:
    return {"pk": {"S": user_pk(user_id)}, "sk": {"S": attachment_sk(note_id, attachment_id)}}


def _usage_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": user_pk(user_id)}, "sk": {"S": USAGE_SK}}


def to_item(a: Attachment) -> dict[str, Any]:
    item: dict[str, Any] = {
        **_key(a.user_id, a.note_id, a.id),
        "type": {"S": "attachment"},
        "id": {"S": a.id},
        "user_id": {"S": a.user_id},
        "note_id": {"S": a.note_id},
        "name": {"S": a.name},
        "content_type": {"S": a.content_type},
        "size": {"N": str(a.size)},
        "status": {"S": a.status},
        "created_at": {"S": a.created_at},
        "thumbnail": {"BOOL": a.thumbnail},
    }
    if a.reason:
        item["reason"] = {"S": a.reason}
    return item


def from_item(item: dict[str, Any]) -> Attachment:
    return Attachment(
        id=item["id"]["S"],
        user_id=item["user_id"]["S"],
        note_id=item["note_id"]["S"],
        name=item["name"]["S"],
        content_type=item["content_type"]["S"],
        size=int(item["size"]["N"]),
        status=item["status"]["S"],
        created_at=item["created_at"]["S"],
        reason=item.get("reason", {}).get("S", ""),
        thumbnail=item.get("thumbnail", {}).get("BOOL", False),
    )


class DynamoDBAttachmentRepository:
    def add_pending(self, attachment: Attachment, *, expires_at: int) -> Attachment:
        item = {**to_item(attachment), dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)}}
        dynamodb.table_call("put_item", Item=item, ConditionExpression="attribute_not_exists(pk)")
        return attachment

    def _get_item(self, user_id: str, note_id: str, attachment_id: str) -> dict[str, Any] | None:
        return dynamodb.table_call("get_item", Key=_key(user_id, note_id, attachment_id), ConsistentRead=True).get(
            "Item"
        )

    def get(self, *, user_id: str, note_id: str, attachment_id: str) -> Attachment:
        item = self._get_item(user_id, note_id, attachment_id)
        if not item:
            raise AttachmentNotFound(attachment_id)
        return from_item(item)

    def _query(self, user_id: str, prefix: str) -> list[Attachment]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": user_pk(user_id)}, ":prefix": {"S": prefix}},
            "ConsistentRead": True,
        }
        found: list[Attachment] = []
        while True:
            resp = dynamodb.table_call("query", **kwargs)
            found += [from_item(item) for item in resp.get("Items", [])]
            if "LastEvaluatedKey" not in resp:
                return found
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def list(self, *, user_id: str, note_id: str) -> list[Attachment]:
        return sorted(self._query(user_id, f"{ATTACHMENT_PREFIX}{note_id}#"), key=lambda a: (a.created_at, a.id))

    def list_for_user(self, *, user_id: str) -> list[Attachment]:
        return sorted(self._query(user_id, ATTACHMENT_PREFIX), key=lambda a: (a.note_id, a.created_at, a.id))

    def confirm(
        self,
        *,
        user_id: str,
        note_id: str,
        attachment_id: str,
        size: int,
        content_type: str,
        thumbnail: bool,
        quota: int,
    ) -> Attachment:
        key = _key(user_id, note_id, attachment_id)
        if size > quota:  # the usage condition below would let a first file over the whole quota through
            current = self.get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)
            if current.status != PENDING:
                return current
            raise QuotaExceeded(used=self.usage(user_id=user_id), quota=quota, size=size)
        try:
            dynamodb.call(
                "transact_write_items",
                TransactItems=[
                    {
                        "Update": {
                            "TableName": dynamodb.table_name(),
                            "Key": key,
                            "UpdateExpression": "SET #s = :ready, #size = :size, #type = :type, #thumb = :thumb "
                            "REMOVE #ttl",
                            "ConditionExpression": "#s = :pending",
                            "ExpressionAttributeNames": {
                                "#s": "status",
                                "#size": "size",
                                "#type": "content_type",
                                "#thumb": "thumbnail",
                                "#ttl": dynamodb.TTL_ATTRIBUTE,
                            },
                            "ExpressionAttributeValues": {
                                ":ready": {"S": READY},
                                ":pending": {"S": PENDING},
                                ":size": {"N": str(size)},
                                ":type": {"S": content_type},
                                ":thumb": {"BOOL": thumbnail},
                            },
                        }
                    },
                    {
                        "Update": {
                            "TableName": dynamodb.table_name(),
                            "Key": _usage_key(user_id),
                            "UpdateExpression": "ADD #b :size",
                            "ConditionExpression": "attribute_not_exists(#b) OR #b <= :room",
                            "ExpressionAttributeNames": {"#b": "bytes"},
                            "ExpressionAttributeValues": {":size": {"N": str(size)}, ":room": {"N": str(quota - size)}},
                        }
                    },
                ],
            )
        except ConditionFailed as exc:
            reasons = [r.get("Code") for r in exc.cancellation_reasons]
            stored = self._get_item(user_id, note_id, attachment_id)
            if not stored:
                raise AttachmentNotFound(attachment_id) from None
            current = from_item(stored)
            if current.status == READY:
                return current  # confirmed already: a redelivered or retried event
            if current.status == PENDING and len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise QuotaExceeded(used=self.usage(user_id=user_id), quota=quota, size=size) from None
            if current.status == REJECTED:
                return current
            raise exc.unavailable() from None
        return self.get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)

    def reject(self, *, user_id: str, note_id: str, attachment_id: str, reason: str) -> Attachment:
        try:
            item = dynamodb.table_call(
                "update_item",
                Key=_key(user_id, note_id, attachment_id),
                UpdateExpression="SET #s = :rejected, #reason = :reason",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status", "#reason": "reason"},
                ExpressionAttributeValues={
                    ":rejected": {"S": REJECTED},
                    ":pending": {"S": PENDING},
                    ":reason": {"S": reason},
                },
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ConditionFailed:
            return self.get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)
        return from_item(item)

    def delete(self, *, user_id: str, note_id: str, attachment_id: str) -> Attachment | None:
        for _ in range(3):  # the record changed between the read and the write: read again
            stored = self._get_item(user_id, note_id, attachment_id)
            if not stored:
                return None
            current = from_item(stored)
            remove: dict[str, Any] = {
                "TableName": dynamodb.table_name(),
                "Key": _key(user_id, note_id, attachment_id),
                "ConditionExpression": "#s = :status",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":status": {"S": current.status}},
            }
            items: list[dict[str, Any]] = [{"Delete": remove}]
            if current.status == READY:
                items.append(
                    {
                        "Update": {
                            "TableName": dynamodb.table_name(),
                            "Key": _usage_key(user_id),
                            "UpdateExpression": "ADD #b :minus",
                            "ExpressionAttributeNames": {"#b": "bytes"},
                            "ExpressionAttributeValues": {":minus": {"N": str(-current.size)}},
                        }
                    }
                )
            try:
                dynamodb.call("transact_write_items", TransactItems=items)
            except ConditionFailed:
                continue
            return current
        raise ConditionFailed("TransactionCanceledException", {}).unavailable()

    def usage(self, *, user_id: str) -> int:
        item = dynamodb.table_call("get_item", Key=_usage_key(user_id), ConsistentRead=True).get("Item") or {}
        return max(0, int(item.get("bytes", {}).get("N", "0")))

    def set_list_thumbnail(
        self, *, user_id: str, note_id: str, attachment_id: str | None, replacing: str | None = None
    ) -> bool:
        condition = "attribute_exists(pk) AND " + ("#t = :old" if replacing else "attribute_not_exists(#t)")
        values: dict[str, Any] = {":old": {"S": replacing}} if replacing else {}
        if attachment_id:
            values[":new"] = {"S": attachment_id}
        try:
            dynamodb.table_call(
                "update_item",
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": note_sk(note_id)}},
                UpdateExpression="SET #t = :new" if attachment_id else "REMOVE #t",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#t": THUMBNAIL_ID},
                **({"ExpressionAttributeValues": values} if values else {}),
            )
        except ConditionFailed:
            return False
        return True
