"""Reject articles without a title, a body or a possible date, recording why."""

from scrapy.exceptions import DropItem

from newsarchive.archive import record_failure
from newsarchive.pipelines import ArchivePipeline
from newsarchive.validate import Rejected, validate_article


class ValidatePipeline(ArchivePipeline):
    def process_item(self, item):
        try:
            return validate_article(item)
        except Rejected as rejection:
            stats = self.crawler.stats
            stats.inc_value("newsarchive/rejected")
            stats.inc_value(f"newsarchive/rejected/{rejection.reason}")
            record_failure(self.db, item.url, rejection.reason, site=item.site, detail=rejection.detail,
                           run_id=self.crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None)
            raise DropItem(f"rejected {item.url}: {rejection}") from None
