"""check-live's logic, fed with a fixture mirror's pages instead of the network."""

from newsarchive.checklive import check_site
from newsarchive.mirror import MIRRORS_DIR, query_file
from newsarchive.sites import get_site, site_from_dict


def mirror_fetch(name):
    site = get_site(name)

    def fetch(url):
        path = url.split(site.domain, 1)[1]
        target, _, query = path.partition("?")
        return (MIRRORS_DIR / name / query_file(target, query)).read_bytes()

    return fetch


def test_selectors_of_a_faithful_mirror_all_match():
    report = check_site(get_site("matritca"), mirror_fetch("matritca"))
    assert report.article and report.ok, report
    assert report.selectors["body"] is True


def test_a_selector_that_no_longer_matches_is_reported():
    site = get_site("matritca")
    broken = site_from_dict({"name": site.name, "domain": site.domain, "base_url": site.base_url,
                             "article_pattern": site.article_pattern,
                             "discovery": {"feeds": list(site.discovery.feeds)},
                             "selectors": {**site.selectors, "body": "div.renamed-body"}})
    report = check_site(broken, mirror_fetch("matritca"))
    assert report.selectors["body"] is False and not report.ok


def test_unreachable_discovery_is_reported_not_raised():
    def offline(url):
        raise OSError("network is unreachable")

    report = check_site(get_site("matritca"), offline)
    assert report.article is None and "error" in next(iter(report.steps.values()))
